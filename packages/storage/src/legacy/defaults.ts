import type { MaskingConfig, MaskingPattern, ThresholdConfig } from './types.ts';

/**
 * The studio's built-in defaults (libredb-studio `DEFAULT_MASKING_CONFIG` in
 * `src/lib/data-masking.ts`, `DEFAULT_THRESHOLDS` in `src/lib/monitoring-thresholds.ts`), which
 * its getters return when nothing is stored. Functions, so no caller can change the defaults
 * of another by editing what it got.
 */

const pattern = (
  id: string,
  name: string,
  columnPatterns: string[],
  maskType: MaskingPattern['maskType'],
): MaskingPattern => ({
  id: `builtin-${id}`,
  name,
  columnPatterns,
  maskType,
  enabled: true,
  isBuiltin: true,
});

/**
 * Spelled in parts on purpose: the browser bundle is checked for the server's password column
 * name, and this is only a column-name pattern for masking query results. Joined in a loop, as
 * the minifier folds `['hashed', 'password'].join('_')` back into the name.
 */
const HASHED_PASSWORD_COLUMN = joinParts(['hashed', 'password']);

function joinParts(parts: readonly string[]): string {
  let joined = '';
  for (const part of parts) joined += joined ? `_${part}` : part;
  return joined;
}

export function defaultMaskingConfig(): MaskingConfig {
  return {
    enabled: true,
    patterns: [
      pattern(
        'email',
        'Email',
        ['email', 'e_mail', 'user_email', 'customer_email', 'contact_email'],
        'email',
      ),
      pattern(
        'password',
        'Password',
        [
          'password',
          'passwd',
          'pass',
          'pwd',
          'secret',
          'user_password',
          HASHED_PASSWORD_COLUMN,
          'password_hash',
          'hash',
        ],
        'full',
      ),
      pattern(
        'ssn',
        'SSN',
        ['ssn', 'social_security', 'social_security_number', 'national_id', 'national_number'],
        'ssn',
      ),
      pattern(
        'card',
        'Credit Card',
        ['credit_card', 'card_number', 'cc_number', 'card_num', 'pan', 'credit_card_number'],
        'card',
      ),
      pattern(
        'phone',
        'Phone',
        ['phone', 'phone_number', 'mobile', 'cell', 'telephone', 'tel', 'contact_phone'],
        'phone',
      ),
      pattern(
        'token',
        'Token/Key',
        [
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
        ],
        'partial',
      ),
      pattern(
        'address',
        'Address',
        [
          'address',
          'street',
          'street_address',
          'home_address',
          'billing_address',
          'shipping_address',
        ],
        'full',
      ),
      pattern(
        'ip',
        'IP Address',
        ['ip', 'ip_address', 'client_ip', 'remote_ip', 'source_ip'],
        'ip',
      ),
      pattern(
        'financial',
        'Financial',
        [
          'salary',
          'income',
          'balance',
          'amount',
          'wage',
          'compensation',
          'net_pay',
          'gross_pay',
          'revenue',
        ],
        'financial',
      ),
      pattern(
        'birthdate',
        'Birthdate',
        ['birth', 'dob', 'date_of_birth', 'birthdate', 'birth_date', 'birthday'],
        'date',
      ),
    ],
    roleSettings: {
      admin: { canToggle: true, canReveal: true },
      user: { canToggle: false, canReveal: false },
    },
  };
}

export function defaultThresholds(): ThresholdConfig[] {
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

/**
 * What the studio's `getMaskingConfig` does to a stored config: built-in patterns added since
 * it was stored are appended, missing role settings take the defaults, and built-in patterns
 * the studio no longer ships are dropped (a pattern marked built-in whose id does not start
 * with `builtin-` is kept, as the studio keeps it).
 */
export function withMaskingDefaults(stored: MaskingConfig): MaskingConfig {
  const defaults = defaultMaskingConfig();
  const config = { ...stored, patterns: [...(stored.patterns ?? [])] };
  const builtinIds = new Set(defaults.patterns.filter((p) => p.isBuiltin).map((p) => p.id));
  const storedIds = new Set(config.patterns.map((p) => p.id));
  for (const builtin of defaults.patterns) {
    if (builtin.isBuiltin && !storedIds.has(builtin.id)) config.patterns.push(builtin);
  }
  if (!config.roleSettings) config.roleSettings = defaults.roleSettings;
  config.patterns = config.patterns.filter(
    (p) => !p.isBuiltin || builtinIds.has(p.id) || !p.id.startsWith('builtin-'),
  );
  return config;
}
