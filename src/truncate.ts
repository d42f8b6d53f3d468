/** The text cut to at most `chars` characters, an ellipsis marking the cut. */
export function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}
