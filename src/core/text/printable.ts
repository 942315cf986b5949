/**
 * The one way text that came from data (a bundle, log, keyring, config, policy or file name)
 * becomes human output. Control characters (an id holding `ESC[2J` could rewrite the screen the
 * reader trusts) and bidirectional overrides (which can make `pod-a` look like another id) are
 * shown as visible `\u` escapes (issue 11):
 *
 * - every C0 control (U+0000–U+001F: `\n` and `\t` too, since a field is shown on one line), DEL
 *   and every C1 control (U+007F–U+009F: U+009B is a one-character CSI on some terminals);
 * - the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 *   U+202A–U+202E, U+2066–U+2069);
 * - the line and paragraph separators (U+2028, U+2029), which some terminals break lines on.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
