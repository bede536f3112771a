/** Reading a bench command's options: a bad one is answered with the command's usage and exit code 2. */
export interface OptionReader {
  fail(message: string): never;
  /** A positive number (an integer when `integer`); `fallback` when the option was not given. */
  positive(name: string, value: string | undefined, fallback: number, integer?: boolean): number;
  /** A comma-separated list of allowed items. */
  list(name: string, value: string, allowed: readonly string[]): string[];
}

export function optionReader(command: string, usage: string): OptionReader {
  const fail = (message: string): never => {
    console.error(`${command}: ${message}\n\n${usage}`);
    process.exit(2);
  };
  return {
    fail,
    positive: (name, value, fallback, integer = false) => {
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
      return n;
    },
    list: (name, value, allowed) => {
      const items = value.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = items.filter((item) => !allowed.includes(item));
      if (unknown.length > 0 || items.length === 0) fail(`--${name}: unknown ${unknown.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}`);
      return items;
    },
  };
}
