import { buildAll } from '../scripts/system/build.ts';

/** Builds happen once here, never inside a test's time. */
export default function globalSetup(): void {
  buildAll((line) => console.log(`e2e: ${line}`));
}
