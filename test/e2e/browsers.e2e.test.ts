import { describe } from 'vitest';
import { BROWSER_NAMES } from './support/browser';
import { describeAccessibility } from './scenarios/accessibility';
import { describeAnswering } from './scenarios/answering';
import { describeBrowserOnly } from './scenarios/browser-only';
import { useStack } from './scenarios/context';
import { describeDiagnostics } from './scenarios/diagnostics';
import { describeEvidence } from './scenarios/evidence';
import { describeLocale } from './scenarios/locale';
import { describeLockout } from './scenarios/lockout';
import { describeSignInTest } from './scenarios/sign-in-test';
import { describePolicy } from './scenarios/policy';

// The built extension (dist/chrome, dist/firefox) in Debian's Chromium 156 and
// Firefox ESR 153, against a real squid. Every scenario is written once and
// runs in both; each seeds what it needs and can run alone:
//   npx vitest run --config vitest.e2e.config.ts -t 'chromium scenarios answering proxy challenges a\.'
//
// The two browsers run side by side (their stacks share nothing), each one's
// scenarios one at a time: most of the run is
// waiting (75 s prompts), not CPU.
describe.concurrent.each(BROWSER_NAMES)('%s', (name) => {
  describe.sequential('scenarios', () => {
    const ctx = useStack(name);
    describeAnswering(ctx);
    describeDiagnostics(ctx);
    describeBrowserOnly(ctx);
    describeLockout(ctx);
    // axe-core runs in Chromium only (where issue 10 measured it); its keyboard checks run in both.
    describeAccessibility(ctx);
    describeLocale(ctx);
    describeSignInTest(ctx);
    // Last: it looks at what the whole run left behind.
    describeEvidence(ctx);
    // A browser, squid and policy file of its own (scenarios/policy.ts), after the others: a policy file is read by
    // every browser of that kind started (or, in Chromium, running) while it exists, so none of the others may overlap it.
    describePolicy(name);
  });
});
