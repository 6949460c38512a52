/**
 * Login limits that stop guessing without letting anyone lock a real user out.
 *
 * Only failures count (a wrong password, an unknown name); a success costs nothing and resets
 * nothing, so an attacker cannot refill their budget by logging into an account of their own.
 *
 * - **Per address: blocked.** After `max` failures from one client address within `windowMs` of
 *   the first, that address gets 429 with `retry-after` until the window ends, whatever it
 *   sends. IPv6 addresses count by their /64, the block one subscriber usually holds. The
 *   address is Fastify's `request.ip`: the socket's peer, or with `TRUST_PROXY` the client a
 *   trusted proxy names in `X-Forwarded-For`.
 * - **Per username: slowed, never blocked.** Failures on one username from anywhere (its
 *   canonical key, `accounts/username.ts`), beyond `freeFailuresPerUsername`, make each next
 *   attempt on it wait `usernameDelayMs`, doubling per failure up to `maxUsernameDelayMs`; the
 *   count is forgotten `windowMs` after the last failure. The real user, from an address that
 *   is not blocked, always gets in with the right password, after at most that delay.
 *
 * Attempts in flight count as failures until they end, so parallel requests cannot slip past a
 * limit before their failures are recorded. The trade-off: many addresses each below `max`
 * can still guess in parallel, slowed but not stopped, since blocking the account would hand
 * every attacker a lock-out; a strong password is what defeats that. An address shared with
 * an attacker (a NAT, a proxy without `TRUST_PROXY`) is blocked together with them.
 *
 * In memory, per process: a restart forgets every count, and two server processes count apart.
 * Each map holds at most `trackedKeys` entries, least recently used forgotten first, so a flood
 * of names or addresses costs bounded memory.
 */
import ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';

export interface LoginLimitOptions {
  /** Failed logins from one address within `windowMs` before it is refused. Default 20. */
  max?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Failures on one username, from anywhere, that cost no delay. Default 5. */
  freeFailuresPerUsername?: number;
  /** The first delay after those; it doubles per further failure. Default 1 s. */
  usernameDelayMs?: number;
  /** The longest delay. Default 15 s. */
  maxUsernameDelayMs?: number;
  /** Addresses, and usernames, remembered at most. Default 100 000. */
  trackedKeys?: number;
}

export const LOGIN_LIMIT_DEFAULTS: Required<LoginLimitOptions> = {
  max: 20,
  windowMs: 15 * 60_000,
  freeFailuresPerUsername: 5,
  usernameDelayMs: 1_000,
  maxUsernameDelayMs: 15_000,
  trackedKeys: 100_000,
};

/** The address is over its limit: answer 429 with `retry-after: retryAfterSeconds`. */
export class LoginBlocked extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins from your address: try again in ${retryAfterSeconds} s.`);
  }
}

export interface LoginAttempt {
  /** How long to wait before checking the password. */
  readonly delayMs: number;
  /** The password was wrong or the name unknown. */
  fail(): void;
  /** Ends the attempt without counting it (a success, or the server could not decide). */
  end(): void;
}

/** The key an address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}

interface AddressCount {
  failures: number;
}

interface UsernameCount {
  failures: number;
}

export class LoginLimiter {
  readonly options: Required<LoginLimitOptions>;
  readonly #addresses: LRUCache<string, AddressCount>;
  readonly #usernames: LRUCache<string, UsernameCount>;
  readonly #pendingAddresses = new Map<string, number>();
  readonly #pendingUsernames = new Map<string, number>();

  /** `clock` is for specs that step time; the server uses the default. */
  constructor(options: LoginLimitOptions = {}, clock?: { now(): number }) {
    this.options = { ...LOGIN_LIMIT_DEFAULTS, ...options };
    const common = {
      max: this.options.trackedKeys,
      ttl: this.options.windowMs,
      ...(clock ? { perf: clock, ttlResolution: 0 } : {}),
    };
    this.#addresses = new LRUCache<string, AddressCount>(common);
    this.#usernames = new LRUCache<string, UsernameCount>(common);
  }

  /** Failures (recorded and in flight) against an address. */
  addressFailures(address: string): number {
    const key = addressKey(address);
    return (this.#addresses.get(key)?.failures ?? 0) + (this.#pendingAddresses.get(key) ?? 0);
  }

  /** The wait the next attempt on `username` (a canonical key) would get. */
  usernameDelay(username: string): number {
    const failures =
      (this.#usernames.get(username)?.failures ?? 0) + (this.#pendingUsernames.get(username) ?? 0);
    const {
      freeFailuresPerUsername: free,
      usernameDelayMs: base,
      maxUsernameDelayMs: cap,
    } = this.options;
    if (failures <= free) return 0;
    // 2^30 already dwarfs any cap; the exponent stays finite.
    return Math.min(cap, base * 2 ** Math.min(failures - free - 1, 30));
  }

  /**
   * Starts a login from `address` for `username` (its canonical key), or throws `LoginBlocked`.
   * Exactly one of `fail()` / `end()` must follow.
   */
  begin(address: string, username: string): LoginAttempt {
    const key = addressKey(address);
    if (this.addressFailures(address) >= this.options.max) {
      const remaining = this.#addresses.getRemainingTTL(key);
      // In-flight attempts alone can fill the budget: then retry as soon as they end.
      throw new LoginBlocked(Math.max(1, Math.ceil(remaining / 1000)));
    }
    const delayMs = this.usernameDelay(username);
    bump(this.#pendingAddresses, key, 1);
    bump(this.#pendingUsernames, username, 1);
    let open = true;
    const close = () => {
      if (!open) return false;
      open = false;
      bump(this.#pendingAddresses, key, -1);
      bump(this.#pendingUsernames, username, -1);
      return true;
    };
    return {
      delayMs,
      fail: () => {
        if (!close()) return;
        const address = this.#addresses.get(key);
        if (address) address.failures += 1;
        // The address window runs from its first failure; the username's from its last.
        else this.#addresses.set(key, { failures: 1 });
        const name = this.#usernames.get(username);
        this.#usernames.set(username, { failures: (name?.failures ?? 0) + 1 });
      },
      end: () => {
        close();
      },
    };
  }
}

function bump(map: Map<string, number>, key: string, by: number) {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
