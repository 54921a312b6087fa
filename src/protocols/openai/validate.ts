// Request-parameter validation for the OpenAI surfaces: OpenAI's 400 for the first bad parameter, or null.
export { CHAT_RULES, validateChatParameters } from "./validate/chat.js";
export { RESPONSES_RULES, validateResponsesParameters } from "./validate/responses.js";
export { COMPLETIONS_RULES, validateCompletionsParameters } from "./validate/completions.js";
