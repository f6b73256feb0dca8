import type { Locator, Page } from '@playwright/test';
import { test, expect, expectAccessible } from './fixtures/index.ts';

/** The Household card of the thermostat on screen: who is in it, "Invite someone", "Remove <name>". */
function household(page: Page): { card: Locator; members: Locator } {
  const card = page.getByRole('region', { name: 'Household', exact: true });
  return { card, members: card.getByRole('list', { name: 'Household', exact: true }).getByRole('listitem') };
}

/** "Invite someone", as a member does: resolves with the link the card shows to pass on. */
async function invite(page: Page): Promise<string> {
  const { card } = household(page);
  await card.getByRole('button', { name: 'Invite someone' }).click();
  const invitation = card.getByRole('region', { name: 'Invitation', exact: true });
  await expect(invitation).toContainText('This link works once, for 24 hours');
  const link = invitation.getByText(/#pair=/);
  await expect(link).toBeVisible();
  return (await link.textContent()) ?? '';
}

/** "Remove <name>", confirmed in the dialog that says what it does. */
async function remove(page: Page, name: string): Promise<void> {
  await household(page).card.getByRole('button', { name: `Remove ${name}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Remove ${name}?` });
  await expect(dialog).toContainText(`${name} will no longer be able to control or read Living room`);
  await expectAccessible(page, 'remove-member dialog');
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(dialog).toBeHidden();
}

test('members: Ana invites Ben and both see the household; the used link lets no one else in; Ana removes Ben, whose next command is refused while hers still works', async ({
  page,
  app,
  thermostat,
}) => {
  test.slow();
  const { target: initialTarget } = await thermostat.state();

  // Ana pairs with an invitation from the thermostat; she is the household.
  const ana = await app.pair(page, { memberName: 'Ana' });
  const anasHousehold = household(page);
  await expect(anasHousehold.members).toHaveText([/^Ana \(this phone\)/]);

  // She invites Ben; Ben's phone opens the link her card shows, and joins.
  const bensLink = await invite(page);
  expect(bensLink).toMatch(new RegExp(`#pair=${thermostat.id}\\.[A-Za-z0-9_-]{43}&name=Living%20room$`));
  await expectAccessible(page, 'household card with an invitation');
  const ben = await app.pairInNewContext({ link: bensLink, memberName: 'Ben' });
  await ben.screen.expectLive();
  await expect(household(ben.page).members).toHaveText([/^Ana(?! \(this phone\))/, /^Ben \(this phone\)/]);
  // Ana's list is what the thermostat answered when her card was shown: opening the app again, she sees Ben.
  await page.reload();
  await expect(anasHousehold.members).toHaveText([/^Ana \(this phone\)/, /^Ben(?! \(this phone\))/]);

  // The link Ana passed on is used up: a third phone that opens it is not let in.
  const third = await app.pairInNewContext({ link: bensLink });
  await expect(third.page.getByRole('alert').filter({ hasText: 'Living room did not take the invitation' })).toBeVisible({ timeout: 30_000 });
  await expect(household(third.page).card).toBeHidden();
  await expectAccessible(third.page, 'a refused invitation');

  // Ana removes Ben: he is gone from her list at once (the thermostat's own answer, with no third phone in it).
  await remove(page, 'Ben');
  await expect(anasHousehold.members).toHaveText([/^Ana \(this phone\)/]);

  // Ben's next command is refused, and his phone says why; the thermostat did not take it.
  await ben.screen.increaseTarget.click();
  await expect(ben.page.getByRole('alert').filter({ hasText: 'You were removed from Living room' })).toBeVisible();
  await expect(household(ben.page).card).toBeHidden();
  expect((await thermostat.state()).target).toBe(initialTarget);

  // Ana's next command still works.
  await ana.increaseTarget.click();
  await ana.expectConfirmedTarget(initialTarget + 0.5);
  expect((await thermostat.state()).target).toBe(initialTarget + 0.5);
});
