// `npm start`: consolidates the bundled sample province into out/. The sample holds a file with a mistake on
// purpose, so `bdg` exits 1 (data errors); that is the expected outcome here, not a failed start.
import { main } from '../dist/bundle/cli.js';

const status = await main([
  process.argv[0],
  'bdg',
  'consolidate',
  'fixtures/dak-lak/nop-bao-cao-2024',
  '--config',
  'fixtures/dak-lak/cau-hinh.json',
  // Last year's roll-up of the sample (scripts/make-previous-rollup.mjs): the report compares with 2023.
  '--previous',
  'fixtures/dak-lak/tong-hop-66-2023.json',
  '--out',
  'out',
  '--force',
]);
if (status === 1) console.log('\n(Mẫu có một tệp sai cố ý để minh họa: bdg báo lỗi và vẫn tổng hợp các tệp còn lại.)');
process.exitCode = status <= 1 ? 0 : status;
