// Writes package.json's contributes.configuration from protocol/settings-schema.ts
// and contributes.debuggers (the launch.json schema) from protocol/debug-schema.ts.
import * as fs from 'node:fs';
import { debuggersContribution } from '../protocol/debug-schema';
import { configurationContribution } from '../protocol/settings-schema';

const file = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
manifest.contributes.configuration = configurationContribution();
manifest.contributes.debuggers = debuggersContribution();
fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
