/**
 * The emoji picker's common set: the reactions people actually use, each with the words one would
 * type to find it. Small on purpose (a full Unicode table is megabytes and mostly noise in a chat).
 */
export type EmojiEntry = { emoji: string; name: string; keywords: string };

export const COMMON_EMOJI: readonly EmojiEntry[] = [
  { emoji: '👍', name: 'thumbs up', keywords: '+1 yes ok like agree approve' },
  { emoji: '👎', name: 'thumbs down', keywords: '-1 no dislike disagree' },
  { emoji: '❤️', name: 'red heart', keywords: 'love like heart' },
  { emoji: '😂', name: 'face with tears of joy', keywords: 'laugh lol funny haha' },
  { emoji: '😄', name: 'grinning face with smiling eyes', keywords: 'smile happy joy' },
  { emoji: '🙂', name: 'slightly smiling face', keywords: 'smile ok' },
  { emoji: '😉', name: 'winking face', keywords: 'wink joke' },
  { emoji: '😍', name: 'smiling face with heart eyes', keywords: 'love adore' },
  { emoji: '🤔', name: 'thinking face', keywords: 'think hmm consider question' },
  { emoji: '😮', name: 'face with open mouth', keywords: 'wow surprise oh' },
  { emoji: '😢', name: 'crying face', keywords: 'sad tear cry' },
  { emoji: '😭', name: 'loudly crying face', keywords: 'sad sob cry' },
  { emoji: '😡', name: 'enraged face', keywords: 'angry mad' },
  { emoji: '😅', name: 'grinning face with sweat', keywords: 'phew relief nervous' },
  { emoji: '🙃', name: 'upside-down face', keywords: 'silly sarcasm' },
  { emoji: '😎', name: 'smiling face with sunglasses', keywords: 'cool' },
  { emoji: '🥳', name: 'partying face', keywords: 'party celebrate birthday' },
  { emoji: '😴', name: 'sleeping face', keywords: 'sleep tired zzz' },
  { emoji: '🤯', name: 'exploding head', keywords: 'mind blown shocked' },
  { emoji: '🙄', name: 'face with rolling eyes', keywords: 'eyeroll whatever' },
  { emoji: '😬', name: 'grimacing face', keywords: 'awkward oops yikes' },
  { emoji: '🤝', name: 'handshake', keywords: 'deal agree' },
  { emoji: '🙏', name: 'folded hands', keywords: 'thanks please pray thank you' },
  { emoji: '👏', name: 'clapping hands', keywords: 'clap applause bravo congrats' },
  { emoji: '🙌', name: 'raising hands', keywords: 'hooray celebrate yay' },
  { emoji: '👋', name: 'waving hand', keywords: 'wave hello hi bye' },
  { emoji: '💪', name: 'flexed biceps', keywords: 'strong muscle' },
  { emoji: '👀', name: 'eyes', keywords: 'look see watching' },
  { emoji: '👌', name: 'ok hand', keywords: 'ok perfect fine' },
  { emoji: '✌️', name: 'victory hand', keywords: 'peace victory' },
  { emoji: '🤞', name: 'crossed fingers', keywords: 'luck hope' },
  { emoji: '☝️', name: 'index pointing up', keywords: 'this up point' },
  { emoji: '✅', name: 'check mark button', keywords: 'done yes check ok tick' },
  { emoji: '✔️', name: 'check mark', keywords: 'done yes tick' },
  { emoji: '❌', name: 'cross mark', keywords: 'no wrong x cancel' },
  { emoji: '❓', name: 'question mark', keywords: 'question what' },
  { emoji: '❗', name: 'exclamation mark', keywords: 'important attention' },
  { emoji: '⚠️', name: 'warning', keywords: 'caution alert' },
  { emoji: '🔥', name: 'fire', keywords: 'hot lit flame' },
  { emoji: '🎉', name: 'party popper', keywords: 'tada celebrate congrats hooray' },
  { emoji: '🚀', name: 'rocket', keywords: 'ship launch fast release' },
  { emoji: '⭐', name: 'star', keywords: 'favorite star' },
  { emoji: '✨', name: 'sparkles', keywords: 'shiny new magic' },
  { emoji: '💯', name: 'hundred points', keywords: '100 perfect' },
  { emoji: '💡', name: 'light bulb', keywords: 'idea' },
  { emoji: '🐛', name: 'bug', keywords: 'bug defect insect' },
  { emoji: '🔧', name: 'wrench', keywords: 'fix tool' },
  { emoji: '📌', name: 'pushpin', keywords: 'pin important' },
  { emoji: '📎', name: 'paperclip', keywords: 'attach' },
  { emoji: '📝', name: 'memo', keywords: 'note write' },
  { emoji: '📅', name: 'calendar', keywords: 'date schedule' },
  { emoji: '⏰', name: 'alarm clock', keywords: 'time late' },
  { emoji: '⏳', name: 'hourglass', keywords: 'wait pending time' },
  { emoji: '☕', name: 'hot beverage', keywords: 'coffee tea break' },
  { emoji: '🍕', name: 'pizza', keywords: 'food lunch' },
  { emoji: '🍺', name: 'beer mug', keywords: 'beer drink cheers' },
  { emoji: '🎂', name: 'birthday cake', keywords: 'birthday cake' },
  { emoji: '🎁', name: 'wrapped gift', keywords: 'present gift' },
  { emoji: '🏆', name: 'trophy', keywords: 'win award' },
  { emoji: '💥', name: 'collision', keywords: 'boom crash' },
  { emoji: '💬', name: 'speech balloon', keywords: 'comment chat talk' },
  { emoji: '🤷', name: 'person shrugging', keywords: 'shrug dunno whatever' },
  { emoji: '🤦', name: 'person facepalming', keywords: 'facepalm doh' },
  { emoji: '🐐', name: 'goat', keywords: 'goat greatest' },
  { emoji: '🐢', name: 'turtle', keywords: 'slow' },
  { emoji: '🌈', name: 'rainbow', keywords: 'rainbow' },
  { emoji: '☀️', name: 'sun', keywords: 'sunny weather' },
  { emoji: '🌧️', name: 'cloud with rain', keywords: 'rain weather' },
  { emoji: '➕', name: 'plus', keywords: 'add plus +1' },
  { emoji: '💔', name: 'broken heart', keywords: 'sad heartbreak' },
];

/** The common set narrowed to `query` (every word must start a word of the name or keywords). */
export function searchEmoji(query: string, set: readonly EmojiEntry[] = COMMON_EMOJI): EmojiEntry[] {
  const words = query.toLowerCase().trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...set];
  return set.filter((entry) => {
    if (words.length === 1 && entry.emoji === words[0]) return true;
    const haystack = `${entry.name} ${entry.keywords}`.toLowerCase().split(/\s+/);
    return words.every((word) => haystack.some((h) => h.startsWith(word)));
  });
}
