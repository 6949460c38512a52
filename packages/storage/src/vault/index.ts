export {
  joinConnectionString,
  PASSWORD_MASK,
  splitConnectionString,
} from './connection-secrets.ts';
export { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from './password-hash.ts';
export {
  type CryptoKeyStore,
  IndexedDbCryptoKeyStore,
  type KeyValueStore,
  MemoryCryptoKeyStore,
  MemoryKeyValueStore,
} from './stores.ts';
export {
  type ConnectionSecrets,
  Vault,
  VaultError,
  type VaultErrorCode,
  type VaultOptions,
  type VaultStatus,
} from './vault.ts';
