/**
 * The one way text that came from data (a bundle, log, keyring, config, policy or file name)
 * becomes human output. Control characters (an id holding `ESC[2J` could rewrite the screen the
 * reader trusts) and bidirectional overrides (which can make `pod-a` look like another id) are
 * shown as visible `\u` escapes.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
