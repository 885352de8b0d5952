import type { CommandIO } from './io.js';

export async function runValidate(_arg: string, _opts: unknown, io: CommandIO): Promise<number> {
  io.stderr.write('Lệnh này chưa được xây dựng.\n');
  return 2;
}
