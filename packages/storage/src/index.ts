export { platformExtensions } from './extensions.ts';
export {
  MigrationError,
  type MigrationErrorCode,
  type MigrationResult,
  migrate,
} from './migrator.ts';
