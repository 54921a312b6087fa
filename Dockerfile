# Understudy as a service: `docker build -t understudy .` then
#   docker run --rm -p 4010:4010 -v "$PWD/fixtures:/fixtures:ro" understudy
# Fixture files (JSON or YAML, flows too) are read from /fixtures; the server listens on 4010.

# Build: every dependency (TypeScript, the CommonJS build's tools), then dist/.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime: the production dependencies and the build only, run by the image's unprivileged `node` user.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
RUN mkdir /fixtures && chown node:node /fixtures
USER node
EXPOSE 4010
# Node itself checks, so the slim image needs no curl; 127.0.0.1 works since the server binds 0.0.0.0.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:4010/health').then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# The CLI handles SIGTERM and SIGINT itself (closes the server, then exits), so `docker stop` is prompt.
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
# Arguments after the image name replace these, e.g. `understudy --host 0.0.0.0 -p 4010 -f /fixtures --workers 2`.
CMD ["--host", "0.0.0.0", "--port", "4010", "--fixtures", "/fixtures"]
