// Writes package.json's contributes.configuration from protocol/settings-schema.ts.
import * as fs from 'node:fs';
import { configurationContribution } from '../protocol/settings-schema';

const file = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
manifest.contributes.configuration = configurationContribution();
fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
