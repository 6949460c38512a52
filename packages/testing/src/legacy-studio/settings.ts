/**
 * The small keys: masking and threshold settings, dismissed seeds, open tabs, theme, line
 * numbers, and the active connection id.
 *
 * - Masking: DEFAULT_MASKING_CONFIG and the editor of src/lib/data-masking.ts and
 *   src/components/MaskingSettings.tsx @ v0.6.13 … HEAD c144361f (the default has not changed).
 *   What is saved is the LOADED config (stored one with any missing built-ins appended) plus the
 *   user's edits; a custom pattern is `custom-<ms>` with `isBuiltin: false`, `customMask` only
 *   for the `custom` mask type. "Reset" saves the default itself.
 * - Thresholds: DEFAULT_THRESHOLDS of src/lib/monitoring-thresholds.ts and the sliders of
 *   src/components/admin/tabs/SecurityTab.tsx: integers 0–100 (0–20 for deadlocks), nothing stops
 *   a warning level from passing the critical one.
 * - Tabs: src/hooks/use-tab-manager.ts @ 549b6d64 and HEAD: `{activeTabId, tabs:[{id,name,query,type}]}`
 *   per connection, the first tab always `default`/`Query 1`.
 * - Theme: next-themes with `storageKey="libredb-theme"` (src/components/theme-provider.tsx @ HEAD)
 *   writes the raw string, and only once the toggle is used: `light` or `dark`.
 * - Line numbers: `String(showLineNumbers)` (src/components/QueryEditor.tsx @ HEAD), written on
 *   every mount once the preference is read, so any browser that opened the editor has it.
 * - Active id: `setItem(key, id)` (raw, not JSON), written whenever the active connection changes
 *   and never removed by the UI; it can name a managed seed that is not in storage.
 */

import { sampleStatement } from './history.ts';
import type { LegacyRng } from './random.ts';
import { STUDIO_DATES, shortIdAt } from './timeline.ts';
import type {
  MaskType,
  StudioDatabaseType,
  StudioMaskingConfig,
  StudioMaskingPattern,
  StudioTabType,
  StudioThresholdConfig,
  StudioWorkspaceState,
} from './types.ts';

function builtin(
  id: string,
  name: string,
  maskType: MaskType,
  columnPatterns: string[],
): StudioMaskingPattern {
  return { id: `builtin-${id}`, name, columnPatterns, maskType, enabled: true, isBuiltin: true };
}

/** A fresh copy of the studio's DEFAULT_MASKING_CONFIG (ten built-ins, admin may toggle and reveal). */
export function studioDefaultMaskingConfig(): StudioMaskingConfig {
  return {
    enabled: true,
    patterns: [
      builtin('email', 'Email', 'email', [
        'email',
        'e_mail',
        'user_email',
        'customer_email',
        'contact_email',
      ]),
      builtin('password', 'Password', 'full', [
        'password',
        'passwd',
        'pass',
        'pwd',
        'secret',
        'user_password',
        'hashed_password',
        'password_hash',
        'hash',
      ]),
      builtin('ssn', 'SSN', 'ssn', [
        'ssn',
        'social_security',
        'social_security_number',
        'national_id',
        'national_number',
      ]),
      builtin('card', 'Credit Card', 'card', [
        'credit_card',
        'card_number',
        'cc_number',
        'card_num',
        'pan',
        'credit_card_number',
      ]),
      builtin('phone', 'Phone', 'phone', [
        'phone',
        'phone_number',
        'mobile',
        'cell',
        'telephone',
        'tel',
        'contact_phone',
      ]),
      builtin('token', 'Token/Key', 'partial', [
        'token',
        'access_token',
        'refresh_token',
        'api_key',
        'apikey',
        'api_secret',
        'secret_key',
        'auth_token',
        'bearer_token',
        'session_token',
      ]),
      builtin('address', 'Address', 'full', [
        'address',
        'street',
        'street_address',
        'home_address',
        'billing_address',
        'shipping_address',
      ]),
      builtin('ip', 'IP Address', 'ip', [
        'ip',
        'ip_address',
        'client_ip',
        'remote_ip',
        'source_ip',
      ]),
      builtin('financial', 'Financial', 'financial', [
        'salary',
        'income',
        'balance',
        'amount',
        'wage',
        'compensation',
        'net_pay',
        'gross_pay',
        'revenue',
      ]),
      builtin('birthdate', 'Birthdate', 'date', [
        'birth',
        'dob',
        'date_of_birth',
        'birthdate',
        'birth_date',
        'birthday',
      ]),
    ],
    roleSettings: {
      admin: { canToggle: true, canReveal: true },
      user: { canToggle: false, canReveal: false },
    },
  };
}

export interface LegacyMaskingOptions {
  editedAt: Date;
  /** Built-in ids (`builtin-phone`, …) the user switched off. */
  disableBuiltins?: string[];
  /** Add a custom pattern (`custom` mask type with a mask string, or `full`). */
  customPattern?: boolean | MaskType;
  /** Also let plain users reveal values. */
  userCanReveal?: boolean;
  /** Switch masking off globally. */
  disabled?: boolean;
}

/** The masking config as saved after the user edited the defaults. */
export function legacyMaskingConfig(
  rng: LegacyRng,
  options: LegacyMaskingOptions,
): StudioMaskingConfig {
  const config = studioDefaultMaskingConfig();
  const off = new Set(options.disableBuiltins ?? ['builtin-phone']);
  let patterns = config.patterns.map((p) => (off.has(p.id) ? { ...p, enabled: false } : p));
  const custom = options.customPattern ?? true;
  if (custom) {
    const maskType: MaskType = custom === true ? 'custom' : custom;
    patterns = [
      ...patterns,
      {
        id: `custom-${options.editedAt.getTime()}`,
        name: rng.pick(['Employee badge', 'IBAN', 'Kimlik No (TCKN)']),
        // One regex per line in the dialog, trimmed, blanks dropped.
        columnPatterns: ['badge_no', '^iban$', 'tc_?kimlik'],
        maskType,
        enabled: true,
        isBuiltin: false,
        customMask: maskType === 'custom' ? '[REDACTED ✂]' : undefined,
      },
    ];
  }
  return {
    ...config,
    enabled: options.disabled ? false : config.enabled,
    patterns,
    roleSettings: options.userCanReveal
      ? { ...config.roleSettings, user: { ...config.roleSettings.user, canReveal: true } }
      : config.roleSettings,
  };
}

/** A fresh copy of the studio's DEFAULT_THRESHOLDS. */
export function studioDefaultThresholds(): StudioThresholdConfig[] {
  return [
    {
      metric: 'cacheHitRatio',
      warning: 90,
      critical: 80,
      direction: 'below',
      label: 'Cache Hit Ratio',
    },
    {
      metric: 'connectionPercent',
      warning: 70,
      critical: 90,
      direction: 'above',
      label: 'Connection Usage',
    },
    { metric: 'deadlocks', warning: 1, critical: 5, direction: 'above', label: 'Deadlocks' },
    {
      metric: 'bufferPoolUsage',
      warning: 85,
      critical: 95,
      direction: 'above',
      label: 'Buffer Pool Usage',
    },
  ];
}

/** The thresholds after a few slider moves (one pair left inverted, as the sliders allow). */
export function legacyThresholdConfig(rng: LegacyRng): StudioThresholdConfig[] {
  return studioDefaultThresholds().map((t, index) => {
    if (index === 1) return { ...t, warning: rng.int(50, 80), critical: rng.int(81, 100) };
    if (index === 2) return { ...t, warning: 7, critical: 3 };
    return t;
  });
}

/** The editor tab type the studio picks for a connection's engine (resolveTabType). */
export function tabTypeFor(type: StudioDatabaseType): StudioTabType {
  if (type === 'libredb') return 'libredb';
  if (type === 'redis') return 'redis';
  if (type === 'mongodb') return 'mongodb';
  return 'sql';
}

export interface LegacyWorkspaceOptions {
  /** The engine of the connection the tabs belong to; `null` for the `default` key. */
  connectionType: StudioDatabaseType | null;
  /** When the tabs were last written: decides the first tab's text and the id scheme. */
  at: Date;
  /** Open tabs (default: 1 to 4). */
  tabs?: number;
}

/** The open tabs of one connection as the tab manager's save effect writes them. */
export function legacyWorkspaceTabs(
  rng: LegacyRng,
  options: LegacyWorkspaceOptions,
): StudioWorkspaceState {
  const type = options.connectionType ?? 'postgres';
  const tabType = tabTypeFor(type);
  const count = options.tabs ?? rng.int(1, 4);
  const firstQuery =
    options.at < STUDIO_DATES.emptyDefaultTab ? '-- Start typing your SQL query here\n' : '';
  const tabs: StudioWorkspaceState['tabs'] = [
    {
      id: 'default',
      name: 'Query 1',
      query: count === 1 || rng.chance(0.5) ? firstQuery : sampleStatement(rng, type),
      // The default tab is created as `sql` and keeps that type until the engine is known.
      type: options.connectionType === null ? 'sql' : tabType,
    },
  ];
  for (let i = 1; i < count; i++) {
    const kind = rng.pick(['new', 'table', 'select', 'renamed'] as const);
    const table = rng.pick(['employees', 'orders', 'customers']);
    tabs.push({
      id: shortIdAt(rng, options.at),
      name:
        kind === 'new'
          ? `Query ${i + 1}`
          : kind === 'table'
            ? table
            : kind === 'select'
              ? `Query: ${table}`
              : 'Réunion — données 📊',
      query: kind === 'new' ? '' : sampleStatement(rng, type),
      type: tabType,
    });
  }
  const active = rng.pick(tabs);
  return { activeTabId: active.id, tabs };
}
