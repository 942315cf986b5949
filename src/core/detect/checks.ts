/**
 * Checksums that turn "looks like" into "is": a 16-digit run is a card number only when its Luhn
 * check digit holds, an IBAN-shaped string only when ISO 13616's mod-97 check holds. They are
 * what keeps order numbers and invoice ids out of the findings (DESIGN §9).
 */

/** ISO/IEC 7812 Luhn check over a string of decimal digits. */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, letters to 10..35, and the
 * number mod 97 must be 1. `iban` is upper case without spaces.
 */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    // Digits add one decimal digit, letters (A=10 .. Z=35) two; folding mod 97 keeps it small.
    if (code <= 57) rem = (rem * 10 + (code - 48)) % 97;
    else rem = (rem * 100 + (code - 55)) % 97;
  }
  return rem === 1;
}
