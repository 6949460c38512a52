// The Electric release the stack runs is named once, pinned, and is the one the shape proxy's
// test double follows: the compose file, the double's README, `.env.example` and the pnpm
// catalog's @electric-sql/client agree.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

const EXACT = /^\d+\.\d+\.\d+$/;

describe('the Electric version', () => {
  const compose = read('docker-compose.yml');
  const images = [...compose.matchAll(/image:\s*["']?electricsql\/electric(?::([^\s"']+))?/g)];
  const readme = read('packages/testing/src/electric-double/README.md');
  const follows = /^Follows Electric `([^`]+)`.*`@electric-sql\/client` `([^`]+)`/m.exec(readme);

  it('is pinned in docker-compose.yml to one exact release, not a tag that moves', () => {
    expect(images).toHaveLength(1);
    const tag = images[0]?.[1];
    expect(tag).toMatch(EXACT);
  });

  it("is the release the double's README says it follows, with the client it was tested with", () => {
    expect(follows).not.toBeNull();
    expect(follows?.[1]).toBe(images[0]?.[1]);
    expect(readme).toContain(`electricsql/electric:${images[0]?.[1]}`);
    const catalog = /^\s*"@electric-sql\/client":\s*(\S+)\s*$/m.exec(read('pnpm-workspace.yaml'));
    expect(catalog?.[1]).toBe(follows?.[2]);
  });

  it('is not overridden elsewhere: .env.example names no other version', () => {
    const env = read('.env.example');
    expect(env).not.toMatch(/ELECTRIC_VERSION/);
    for (const [, version] of env.matchAll(/electricsql\/electric:(\S+)/g)) {
      expect(version).toBe(images[0]?.[1]);
    }
  });
});
