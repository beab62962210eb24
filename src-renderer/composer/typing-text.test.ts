import { expect, it } from 'vitest';
import { typingText } from './typing-text';

it('says who is typing, exactly as QA reads it', () => {
  expect(typingText([])).toBe('');
  expect(typingText(['alice'])).toBe('alice is typing...');
  expect(typingText(['alice', 'bob'])).toBe('alice and bob are typing...');
  expect(typingText(['alice', 'bob', 'carol'])).toBe('alice, bob and carol are typing...');
  expect(typingText(['a', 'b', 'c', 'd'])).toBe('Several people are typing...');
});
