import { existsSync } from 'node:fs';

/** The system Chromium the browser tests drive (installed by `.ci/run`; never downloaded). */
export const chromiumPath = '/usr/bin/chromium';

/** Why browser tests are skipped here, if they are. */
export const chromiumMissing = existsSync(chromiumPath)
  ? undefined
  : `Chromium not installed at ${chromiumPath}`;

/** Launch options every browser test uses: the system binary, headless in a container. */
export const chromiumLaunch = {
  executablePath: chromiumPath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
