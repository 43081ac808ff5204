/** Language ids whose documents RecLens analyses (shared by the client and the manifest test). */
export const documentSelector = ['rtrace', 'json', 'jsonc', 'jsonl', 'markdown', 'plaintext', 'log'] as const;
