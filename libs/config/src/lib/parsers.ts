import { isIP } from 'node:net';
import { z } from 'zod';
import { parseCidr } from './cidr';

/**
 * Parsers of one setting's text (an environment variable, or a value the CLI sets). Each takes the
 * text, never undefined (a setting's default is text too, parsed the same way), and a bad value gets
 * a message that says what was expected and what was given.
 */
export type SettingParser = z.ZodType<unknown, string>;

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** `1/true/yes/on` or `0/false/no/off`, any case. */
export const boolean = (): SettingParser =>
  z.string().transform((value, ctx) => {
    const lower = value.toLowerCase();
    if (TRUE.includes(lower)) return true;
    if (FALSE.includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
    return z.NEVER;
  });

/** A whole number from `min` to `max`. */
export const integer = (min: number, max: number): SettingParser =>
  z.string().transform((value, ctx) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${value}"` });
      return z.NEVER;
    }
    return number;
  });

/** Any text, at least one character. */
export const text = (): SettingParser => z.string().min(1);

/** Text that must satisfy `accept`; the message says what was expected and what was given. */
export const checked = (accept: (value: string) => boolean, expected: string): SettingParser =>
  z.string().check(
    z.superRefine((value, ctx) => {
      if (!accept(value)) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${value}"` });
    }),
  );

/** Text matching `pattern`; `message` says what was expected (with an example). */
export const matching = (pattern: RegExp, message: string): SettingParser => z.string().regex(pattern, { message });

/** One of `choices`, as given (case kept). */
export const oneOf = (choices: readonly [string, ...string[]], message = `expected one of ${choices.join(', ')}`): SettingParser =>
  z.enum(choices, { message });

export const isIpAddress = (value: string) => isIP(value) !== 0;
const isCidr = (value: string) => parseCidr(value) !== undefined;

/** A comma-separated list (blanks dropped) whose every item must satisfy `accept`. */
export const list = (accept: (value: string) => boolean, expected: string): SettingParser =>
  z.string().transform((value, ctx) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const bad = items.find((item) => !accept(item));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${bad}"` });
    return items;
  });

/** Comma-separated CIDRs (a bare address is a /32 or /128); `example` is shown in the message. */
export const cidrList = (example: string): SettingParser => list(isCidr, `CIDRs such as ${example}, comma separated`);

const isHttpUrl = (value: string) => /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value);

/** An absolute `http://` or `https://` URL. */
export const httpUrl = (): SettingParser => checked(isHttpUrl, 'an http:// or https:// URL');

/** Nova's `vendordata_dynamic_targets`: `name@http(s)://host/path`, comma separated. */
export const namedUrls = (): SettingParser =>
  z.string().transform((value, ctx) => {
    const targets = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    return targets.map((target) => {
      const at = target.indexOf('@');
      const name = target.slice(0, at);
      const url = target.slice(at + 1);
      if (at < 1 || !isHttpUrl(url)) {
        ctx.addIssue({ code: 'custom', message: `expected name@http(s)://host/path, comma separated, got "${target}"` });
      }
      return { name, url };
    });
  });
