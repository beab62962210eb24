/** "alice is typing...", "alice and bob are typing...", and so on (interface.md: typing-indicator). */
export function typingText(names: readonly string[]): string {
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing...`;
  if (third === undefined) return `${first} and ${second} are typing...`;
  if (names.length === 3) return `${first}, ${second} and ${third} are typing...`;
  return 'Several people are typing...';
}
