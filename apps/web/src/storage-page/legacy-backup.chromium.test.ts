// The storage page's account of the old studio's data: the import's report key by key, and the
// sealed backup, which a person can delete after confirming. The built studio, in Chromium.
import { bothGenerations } from '@platform/testing/legacy-studio';
import { describe, expect, it } from 'vitest';
import { blankPageUrl, goTo, openStudio, pageErrors, SOON, useStudio } from '../../e2e/support.ts';

const env = useStudio();

describe('the storage page, after the old studio’s data was imported', () => {
  it('shows the report key by key and the sealed backup, and deletes the backup once confirmed', {
    timeout: 300_000,
  }, async () => {
    const legacy = bothGenerations({ seed: 'storage-page' });
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await page.goto(blankPageUrl(env.studio));
    await page.evaluate((entries) => {
      for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
    }, legacy.entries);

    await openStudio(page, env.studio.url);
    await goTo(page, 'Storage');

    const report = page.getByTestId('legacy-report');
    await report.waitFor({ timeout: 30_000 });
    const importable = Object.keys(legacy.entries).filter(
      (key) => !key.startsWith('libredb_star_prompt'),
    );
    await report.getByText(/^Key by key/).click();
    expect(await page.getByTestId('legacy-key').count()).toBe(importable.length);
    const historyRow = page.getByTestId('legacy-key').filter({ hasText: 'orchids_db_history' });
    expect(await historyRow.textContent()).toContain('history entry');
    expect(await page.getByTestId('legacy-generations').textContent()).toContain('both versions');
    expect(await page.getByTestId('legacy-retention').textContent()).toContain(
      'raised from 500 to 1,000',
    );
    expect(await page.getByTestId('legacy-left-in-place').textContent()).toContain(
      'libredb_star_prompt_handled',
    );
    expect(await report.textContent()).toContain('backed up in localStorage and removed');

    const summary = page.getByTestId('legacy-backup-summary');
    expect(await summary.textContent()).toContain(`${importable.length} keys`);
    expect(await summary.textContent()).toContain("sealed with the vault's key");

    const backup = page.getByTestId('legacy-backup');
    await backup.getByRole('button', { name: 'Delete the backup…' }).click();
    expect(await backup.textContent()).toContain('Delete the backup for good?');
    await backup.getByRole('button', { name: 'Delete the backup', exact: true }).click();

    await page.getByTestId('legacy-backup-deleted').waitFor(SOON);
    const kept = await page.evaluate(() => localStorage.getItem('platform_vault_v1:legacy-backup'));
    expect(kept).toBeNull();
    expect(errors).toEqual([]);
  });
});
