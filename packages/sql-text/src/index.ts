export { type SqlStatement, splitStatements } from './split-statements.ts';
