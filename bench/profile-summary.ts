/** `tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`: the heaviest functions of a --cpu-prof profile. */
import { readFileSync } from 'node:fs';
import { type CpuProfile, selfTimes } from './lib/profile';

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
for (const { name, ms, percent } of selfTimes(profile).slice(0, Number(top))) {
  console.log(`${percent.toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}
