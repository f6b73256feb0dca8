import { REACH_WORDS as WORDS, type NotLive } from '@/stores/reach-words';

/** Why a room's reading is not live, in the hero's words (src/stores/reach-words.ts), capitalised to start a line. */
export const REACH_WORDS = Object.fromEntries(
  Object.entries(WORDS).map(([reach, words]) => [reach, words.why.charAt(0).toUpperCase() + words.why.slice(1)]),
) as Record<NotLive, string>;
