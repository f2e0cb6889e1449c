import { createSignInGuard, type SignInGuardLimits } from './attempts';

const limits: SignInGuardLimits = {
  perAddressAccount: { max: 3, windowMs: 1000 },
  perAddress: { max: 5, windowMs: 1000 },
  perAccount: { max: 8, windowMs: 1000 },
  knownAddressMs: 10_000,
  capacity: 100,
};

describe('officer sign-in guard', () => {
  it("refuses the guessing address for the account it guessed, never the officer's own address", () => {
    let now = 0;
    const guard = createSignInGuard(limits, () => now);
    for (let n = 0; n < 3; n++) {
      expect(guard.allowed('gd/officer1', '10.0.0.66')).toBe(true);
      guard.failed('gd/officer1', '10.0.0.66');
    }
    expect(guard.allowed('gd/officer1', '10.0.0.66')).toBe(false);
    // The officer, elsewhere, is not locked out; the guesser may still try other accounts.
    expect(guard.allowed('gd/officer1', '10.0.0.1')).toBe(true);
    expect(guard.allowed('gd/other', '10.0.0.66')).toBe(true);
    now = 1000;
    expect(guard.allowed('gd/officer1', '10.0.0.66')).toBe(true);
  });

  it('refuses an address spraying many accounts', () => {
    const guard = createSignInGuard(limits, () => 0);
    for (let n = 0; n < 5; n++) guard.failed(`gd/officer${n}`, '10.0.0.66');
    expect(guard.allowed('gd/officer9', '10.0.0.66')).toBe(false);
    expect(guard.allowed('gd/officer9', '10.0.0.1')).toBe(true);
  });

  it('under guessing from many addresses, lets the account in only from addresses it signed in from before', () => {
    const guard = createSignInGuard(limits, () => 0);
    guard.succeeded('gd/officer1', '10.0.0.1');
    for (let n = 0; n < 8; n++) guard.failed('gd/officer1', `10.9.0.${n}`);
    expect(guard.allowed('gd/officer1', '10.9.0.200')).toBe(false);
    expect(guard.allowed('gd/officer1', '10.0.0.1')).toBe(true);
    expect(guard.allowed('gd/officer2', '10.9.0.200')).toBe(true);
  });
});
