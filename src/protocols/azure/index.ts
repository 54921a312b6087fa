// Azure OpenAI's paths, as the server's route table takes them (src/routes.ts): OpenAI's surfaces and
// resources behind Azure's URLs, credentials, headers and gateway errors.
//
//   dated API (api-version required)            v1 API (api-version optional)
//   /openai/deployments/{d}/chat/completions    /openai/v1/chat/completions
//   /openai/deployments/{d}/completions         /openai/v1/completions
//   /openai/deployments/{d}/embeddings          /openai/v1/embeddings
//   /openai/deployments/{d}/responses           /openai/v1/responses (+ /{id}, /{id}/input_items)
//   /openai/responses (+ /{id}, /{id}/input_items)  /openai/v1/models (+ /{id})
//
// On the dated deployment routes the deployment is the model; elsewhere the body's model is the deployment.
import type { RouteDeps } from "../../routes.js";
import { createChatSurface } from "../openai/chat/index.js";
import { createCompletionsSurface } from "../openai/completions/index.js";
import { createEmbeddingsRoute } from "../openai/embeddings/index.js";
import { openAIModelRoutes } from "../openai/models.js";
import { createResponsesSurface, responsesResourceRoutes } from "../openai/responses/index.js";
import type { ProviderRoutes, RequestHead, ResourceRoute, SurfaceEndpoint } from "../types.js";
import { checkDatedVersion, checkV1Version } from "./api-version.js";
import { atAzurePath, deploymentEmbeddings } from "./resources.js";
import { type AzureRouteFamily, azureSurface } from "./surfaces.js";
import { azureWire } from "./wire.js";

const DEPLOYMENT: AzureRouteFamily = { checkHead: checkDatedVersion, deploymentInPath: true };
const DATED: AzureRouteFamily = { checkHead: checkDatedVersion, deploymentInPath: false };
const V1: AzureRouteFamily = { checkHead: checkV1Version, deploymentInPath: false };

const V1_PREFIX = "\\/openai\\/v1";
const DATED_PREFIX = "\\/openai";

// One wire per operation, as Azure's 429 names it; resources that are not rate limited share one.
const CHAT = azureWire("ChatCompletions_Create");
const COMPLETIONS = azureWire("Completions_Create");
const EMBEDDINGS = azureWire("Embeddings_Create");
const RESPONSES = azureWire("Responses_Create");
const RESOURCES = azureWire();

/** Requests to Azure's URLs (under /openai/) that no route serves are answered in Azure's wire. */
const isAzurePath = (req: RequestHead): boolean => req.url?.startsWith("/openai/") === true || req.url === "/openai";

function surfaces(deps: RouteDeps): SurfaceEndpoint[] {
  const { store, ids, tokens } = deps;
  const responses = () => createResponsesSurface({ store, ids, tokens });
  const at = (path: string | RegExp, surface: SurfaceEndpoint["surface"]): SurfaceEndpoint => ({ path, surface });
  return [
    at(/^\/openai\/deployments\/([^/]+)\/chat\/completions$/, azureSurface(createChatSurface(), CHAT, DEPLOYMENT)),
    at(
      /^\/openai\/deployments\/([^/]+)\/completions$/,
      azureSurface(createCompletionsSurface(), COMPLETIONS, DEPLOYMENT),
    ),
    at(/^\/openai\/deployments\/([^/]+)\/responses$/, azureSurface(responses(), RESPONSES, DEPLOYMENT)),
    at("/openai/responses", azureSurface(responses(), RESPONSES, DATED)),
    at("/openai/v1/chat/completions", azureSurface(createChatSurface(), CHAT, V1)),
    at("/openai/v1/completions", azureSurface(createCompletionsSurface(), COMPLETIONS, V1)),
    at("/openai/v1/responses", azureSurface(responses(), RESPONSES, V1)),
  ];
}

function resources(deps: RouteDeps): ResourceRoute[] {
  const embeddings = createEmbeddingsRoute({ fixtures: deps.fixtures, tokens: deps.tokens });
  const stored = responsesResourceRoutes(deps.store);
  return [
    deploymentEmbeddings(embeddings, EMBEDDINGS, DEPLOYMENT),
    atAzurePath(embeddings, V1_PREFIX, EMBEDDINGS, V1),
    ...stored.map((route) => atAzurePath(route, DATED_PREFIX, RESOURCES, DATED)),
    ...stored.map((route) => atAzurePath(route, V1_PREFIX, RESOURCES, V1)),
    ...openAIModelRoutes(deps.models).map((route) => atAzurePath(route, V1_PREFIX, RESOURCES, V1)),
  ];
}

export function azureRoutes(deps: RouteDeps): ProviderRoutes {
  return {
    surfaces: surfaces(deps),
    resources: resources(deps),
    unknown: { wire: RESOURCES, claims: isAzurePath },
  };
}
