// Stored responses for GET/DELETE /v1/responses/{id} and previous_response_id: per server, bounded,
// oldest evicted first.
import type { Message } from "../../../core/conversation.js";
import type { PlannedChoice } from "../../../core/plan.js";

function replyMessage(choice: PlannedChoice): Message {
  const message: Message = { role: "assistant", content: choice.content ?? "" };
  if (choice.toolCalls.length)
    message.toolCalls = choice.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
  return message;
}

export class StoredResponse {
  private rendered: Record<string, unknown> | null = null;
  private chain: Message[] | null = null;

  /**
   * `render`: the response object as it was sent. A stream sent from a template never built the object,
   * and most stored responses are never read back, so it is built on first read.
   */
  constructor(
    readonly id: string,
    private readonly render: () => Record<string, unknown>,
    /** This request's input items, as `GET /v1/responses/{id}/input_items` lists them. */
    readonly inputItems: Record<string, unknown>[],
    /** The chain's messages up to and including this request's input. */
    private readonly asked: Message[],
    /** The reply, which a follow-up sees as the assistant's turn; null for a warm-up or a failed response. */
    private readonly reply: PlannedChoice | null,
  ) {}

  get response(): Record<string, unknown> {
    return (this.rendered ??= this.render());
  }

  /** The conversation a follow-up continues from: the chain's input and output, without instructions. */
  get history(): Message[] {
    if (this.reply === null) return this.asked;
    return (this.chain ??= [...this.asked, replyMessage(this.reply)]);
  }
}

/** Where previous_response_id is looked up: the server's store, or a WebSocket connection's cache first. */
export interface ResponseLookup {
  find(id: string): StoredResponse | undefined;
}

export class ResponseStore implements ResponseLookup {
  private readonly responses = new Map<string, StoredResponse>();
  /**
   * Walks the ids oldest first, for eviction. One iterator for the store's life: it goes on from where it
   * stopped and sees ids added since (a Map iterates in insertion order, and a re-saved id is added
   * anew). A fresh iterator per eviction stepped over every evicted entry still in V8's table (they stay
   * until it is rebuilt), up to a thousand per request at a full store: most of a Responses request's cost.
   */
  private oldest: Iterator<string> = this.responses.keys();

  constructor(private readonly capacity: number) {}

  save(stored: StoredResponse): void {
    if (this.capacity <= 0) return;
    this.responses.delete(stored.id);
    this.responses.set(stored.id, stored);
    while (this.responses.size > this.capacity) this.responses.delete(this.nextOldest());
  }

  private nextOldest(): string {
    let next = this.oldest.next();
    // Done only once it has passed every id there was (with capacity 1, say): start again from the oldest.
    if (next.done) next = (this.oldest = this.responses.keys()).next();
    return next.value as string;
  }

  find(id: string): StoredResponse | undefined {
    return this.responses.get(id);
  }

  delete(id: string): boolean {
    return this.responses.delete(id);
  }

  get size(): number {
    return this.responses.size;
  }

  /** Forgets every response (the control API's reset). */
  clear(): void {
    this.responses.clear();
    this.oldest = this.responses.keys();
  }
}
