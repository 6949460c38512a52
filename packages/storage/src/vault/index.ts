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
  storedKeys,
} from './stores.ts';
export {
  type ConnectionSecrets,
  type SealedBlobInfo,
  Vault,
  VaultError,
  type VaultErrorCode,
  type VaultOptions,
  type VaultStatus,
} from './vault.ts';
