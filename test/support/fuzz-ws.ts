// Sends fuzz frames to the Responses WebSocket in batches and checks that each frame gets exactly
// one answer (an error frame, or a response that ends), and that the connection stays open.
import WebSocket from "ws";
import { describeFrame, type FrameCase } from "./fuzz-frames.js";

export interface WsMessage {
  type?: unknown;
  status?: unknown;
  stream_id?: unknown;
  error?: { type?: unknown; code?: unknown; message?: unknown; param?: unknown };
  [key: string]: unknown;
}

export interface WsSession {
  ws: WebSocket;
  messages: WsMessage[];
  /** Text that did not parse as a JSON object: always a failure. */
  garbage: string[];
  /** Set when the connection closes: the close code. */
  closed: number | null;
  /** Resolves with true once `check` holds, false after `timeoutMs` or when the connection closes first. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean>;
}

export async function openSession(url: string): Promise<WsSession> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/v1/responses`);
  const session: WsSession = { ws, messages: [], garbage: [], closed: null, until: () => Promise.resolve(false) };
  let wake: (() => void) | null = null;
  ws.on("message", (data) => {
    const text = String(data);
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
        session.messages.push(parsed as WsMessage);
      else session.garbage.push(text.slice(0, 200));
    } catch {
      session.garbage.push(text.slice(0, 200));
    }
    wake?.();
  });
  ws.on("close", (code) => {
    session.closed = code;
    wake?.();
  });
  ws.on("error", () => undefined);
  session.until = async (check, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (session.closed !== null || left <= 0) return check();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    return true;
  };
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return session;
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** The message ends one frame's answer: a refusal (an error frame with a status) or a finished response. */
export const isTerminal = (m: WsMessage): boolean =>
  (m.type === "error" && typeof m.status === "number") || TERMINAL.has(m.type as string);

/** Why an answer frame is malformed or a 5xx, or null. */
export function frameProblem(m: WsMessage): string | null {
  if (typeof m.type !== "string") return `a message without a type: ${JSON.stringify(m).slice(0, 200)}`;
  if (m.type !== "error" || typeof m.status !== "number") return null;
  if (m.status < 400 || m.status > 499) return `error frame with status ${m.status}: ${JSON.stringify(m.error)}`;
  const error = m.error ?? {};
  if (Object.keys(error).sort().join() !== "code,message,param,type") return `error keys ${Object.keys(error).join()}`;
  if (typeof error.message !== "string" || !error.message) return "empty error message";
  return null;
}

export interface FrameTally {
  ran: number;
  /** Answers by kind: `error <status> <code>`, or the type of the event that ended a response. */
  answers: Record<string, number>;
  failures: string[];
}

const laneKey = (lane: unknown): string => (typeof lane === "string" ? `"${lane}"` : "(none)");
const sorted = (list: string[]): string => list.sort().join(" ");

/** Sends `cases` in batches of `batch` frames at once on one connection (a new one after a close). */
export async function runFrames(
  url: string,
  cases: readonly FrameCase[],
  options: { batch: number; timeoutMs: number; budgetMs?: number; maxFailures?: number },
): Promise<FrameTally> {
  const tally: FrameTally = { ran: 0, answers: {}, failures: [] };
  const stopAt = Date.now() + (options.budgetMs ?? Infinity);
  const maxFailures = options.maxFailures ?? 5;
  let session = await openSession(url);
  for (
    let at = 0;
    at < cases.length && Date.now() < stopAt && tally.failures.length < maxFailures;
    at += options.batch
  ) {
    const group = cases.slice(at, at + options.batch);
    const from = session.messages.length;
    for (const c of group) session.ws.send(c.data, { binary: c.binary });
    tally.ran += group.length;
    const answers = (): WsMessage[] => session.messages.slice(from).filter(isTerminal);
    const done = await session.until(() => answers().length >= group.length, options.timeoutMs);
    const replies = session.messages.slice(from);
    for (const m of answers()) {
      const kind = m.type === "error" ? `error ${m.status} ${m.error?.code}` : String(m.type);
      tally.answers[kind] = (tally.answers[kind] ?? 0) + 1;
    }
    const problems = [
      ...replies.map(frameProblem).filter((p): p is string => p !== null),
      ...session.garbage.splice(0),
    ];
    const expected = sorted(group.map((c) => laneKey(c.lane)));
    const got = sorted(answers().map((m) => laneKey(m.stream_id)));
    if (!done || problems.length || expected !== got || session.closed !== null) {
      const why =
        session.closed !== null
          ? `the connection closed (${session.closed})`
          : !done
            ? "not every frame was answered in time"
            : problems.length
              ? problems.slice(0, 3).join("; ")
              : "answers went to the wrong lanes";
      tally.failures.push(
        `frames ${group[0].index}–${group.at(-1)!.index}: ${why}\n    expected lanes ${expected}\n    answered lanes ${got}\n    ${group.map(describeFrame).join("\n    ")}`,
      );
    }
    if (session.closed !== null || !done) {
      session.ws.terminate();
      session = await openSession(url);
    }
  }
  session.ws.close();
  return tally;
}
