import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../node/paths.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { printable, EXIT, UsageError, type CommandIO } from '../io.js';

/** `bdg web`: writes the offline page (dist/bdg.html, built with the CLI) where a province can hand it on. */
export async function runWeb(flags: { out?: string; force?: boolean }, io: CommandIO): Promise<number> {
  let page: Uint8Array;
  try {
    page = await readFile(join(packageRoot, 'dist/bdg.html'));
  } catch {
    throw new UsageError(
      'bản cài đặt bdg này thiếu trang web (dist/bdg.html). Chạy "npm run build" trong thư mục của bdg rồi thử lại.',
    );
  }
  const out = resolve(flags.out ?? 'bdg.html');
  await checkOutputs([out], { force: flags.force });
  await writeFileAtomic(out, page);
  io.stderr.write(
    `Đã ghi trang ${printable(out)} (${Math.round(page.length / 1024)} KB).\n` +
      'Gửi tệp này (thư điện tử, USB, cổng thông tin) cho xã, huyện: mở bằng Chrome, Edge, Cốc Cốc hoặc Firefox, không cần cài đặt hay mạng.\n',
  );
  return EXIT.ok;
}
