import '../node/data-files.js'; // the core reads the catalogue and wording through it
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, UsageError, printableLines, processIO } from './io.js';
import { VERSION } from '../node/version.js';

/** Entry point of `bdg`: parses arguments and returns the exit status (0 ok, 1 data errors, 2 could not run). */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command('bdg')
    .description('Kiểm tra, tổng hợp và lập báo cáo bình đẳng giới, Dự án 8')
    .option('--no-color', 'không tô màu kết quả')
    .version(VERSION, '-V, --version', 'in phiên bản của bdg')
    .showHelpAfterError()
    .exitOverride()
    .helpOption('-h, --help', 'hướng dẫn sử dụng')
    .helpCommand('help [lệnh]', 'hướng dẫn cho một lệnh')
    // An argument echoed back ("không có lệnh '…'") may hold control characters: shown escaped.
    .configureOutput({
      writeErr: (s) => process.stderr.write(printableLines(vietnamese(s))),
      writeOut: (s) => process.stdout.write(printableLines(vietnamese(s))),
    });

  const io = () => processIO(program.opts().color !== false);

  program
    .command('validate')
    .description('kiểm tra một tệp báo cáo (biểu mẫu .xlsx) trước khi gửi')
    .argument('<file>', 'tệp .xlsx cần kiểm tra')
    .option('--units <file>', UNITS_HELP)
    .option('--units-edition <năm>', EDITION_HELP)
    .option('--form <phiên-bản>', 'phiên bản biểu mẫu tệp phải theo (mặc định: phiên bản của kỳ báo cáo)')
    .option('--json', 'in kết quả dạng JSON ra stdout')
    .option('--previous <rollup>', 'tệp JSON tổng hợp kỳ trước: cảnh báo số liệu thay đổi bất thường')
    .option('--annotate <out.xlsx>', 'ghi bản sao của tệp, ô lỗi tô đỏ có ghi chú, sheet đầu "Lỗi cần sửa" (để gửi lại đơn vị)')
    .option('--force', 'ghi đè bản sao --annotate nếu đã có')
    .addOption(maxFileOption())
    .addOption(new Option('--time-limit <giây>', 'thời gian tối đa đọc tệp (mặc định 60)').argParser(positiveSeconds))
    .action(async (file: string, opts) => {
      const { runValidate } = await import('./commands/validate.js');
      status = await runValidate(file, opts, io());
    });

  program
    .command('template')
    .description('tạo biểu mẫu trống cho một đơn vị, hoặc cho mọi đơn vị trực thuộc một đơn vị')
    .option('--unit <code>', 'mã đơn vị')
    .option('--under <code>', 'tạo biểu mẫu cho mọi đơn vị trực thuộc đơn vị này (vào thư mục --out)')
    .option('--units <file>', UNITS_HELP)
    .option('--units-edition <năm>', EDITION_HELP)
    .option('--period <period>', 'kỳ báo cáo: 2024 (năm) hoặc 2024-H1 (6 tháng đầu năm)', String(new Date().getFullYear()))
    .option('--form <phiên-bản>', FORM_HELP)
    .option('--out <file>', 'tệp .xlsx sẽ tạo (với --under: thư mục)')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (opts) => {
      const { runTemplate } = await import('./commands/template.js');
      status = await runTemplate(opts, io());
    });

  program
    .command('consolidate')
    .description('tổng hợp một thư mục báo cáo theo cấp hành chính')
    .argument('<dir>', 'thư mục chứa các tệp .xlsx')
    .option('--units <file>', UNITS_HELP)
    .option('--units-edition <năm>', EDITION_HELP)
    .option('--root <code>', 'chỉ tổng hợp phần danh mục thuộc đơn vị này (mặc định: đơn vị nhỏ nhất chứa mọi tệp)')
    .option('--config <file>', 'tệp cấu hình (JSON)')
    .option('--period <period>', 'kỳ báo cáo (mặc định: kỳ của đa số tệp)')
    .option('--form <phiên-bản>', FORM_HELP)
    .option('--out <dir>', 'thư mục kết quả (mặc định: out)')
    .option('--json', 'in kết quả dạng JSON ra stdout')
    .option('--force', 'ghi đè kết quả đã có')
    .option('--previous <rollup>', 'tệp JSON tổng hợp kỳ trước: cảnh báo bất thường và so sánh trong báo cáo')
    .addOption(new Option('--workers <n>', 'số luồng đọc tệp tối đa (mặc định: số nhân CPU; thêm một luồng cho mỗi 500 tệp)').argParser(positiveInt))
    .addOption(maxFileOption())
    .addOption(new Option('--time-limit <giây>', 'thời gian tối đa đọc một tệp (mặc định 60)').argParser(positiveSeconds))
    .action(async (dir: string, opts) => {
      const { runConsolidate } = await import('./commands/consolidate.js');
      status = await runConsolidate(dir, opts, io());
    });

  program
    .command('web')
    .description('ghi trang web dùng ngoại tuyến (một tệp .html) để kiểm tra, tổng hợp không cần cài đặt')
    .option('--out <file>', 'tệp .html sẽ tạo (mặc định: bdg.html)')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (opts) => {
      const { runWeb } = await import('./commands/web.js');
      status = await runWeb(opts, io());
    });

  program
    .command('report')
    .description('viết lại báo cáo DOCX từ tệp tổng hợp JSON đã lưu')
    .argument('<rollup>', 'tệp JSON do lệnh consolidate tạo')
    .option('--config <file>', 'tệp cấu hình (JSON)')
    .option('--previous <rollup>', 'tệp JSON tổng hợp kỳ trước, để so sánh')
    .option('--form <phiên-bản>', 'viết báo cáo theo phiên bản biểu mẫu này (mặc định: phiên bản của tệp tổng hợp)')
    .option('--out <file>', 'tệp .docx sẽ tạo')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (rollup: string, opts) => {
      const { runReport } = await import('./commands/report.js');
      status = await runReport(rollup, opts, io());
    });

  try {
    await program.parseAsync(argv);
    return status;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.cannotRun;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`Lỗi: ${printableLines(err.message)}\n`);
      return EXIT.cannotRun;
    }
    process.stderr.write(`Lỗi không mong đợi: ${printableLines(err instanceof Error ? err.message : String(err))}\n`);
    if (process.env.BDG_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.cannotRun;
  }
}

const UNITS_HELP = 'danh mục đơn vị hành chính riêng (.csv hoặc .xlsx); mặc định: danh mục có sẵn theo kỳ báo cáo';
const FORM_HELP = 'phiên bản biểu mẫu (các phiên bản kê trong catalogue/editions.csv); mặc định: phiên bản của kỳ báo cáo';
const EDITION_HELP = 'dùng danh mục có sẵn của năm này: 2024 (trước 1/7/2025) hoặc 2025 (từ 1/7/2025)';

/** Commander's own words, said in Vietnamese: the users are officials, not programmers. */
const COMMANDER_VI: [RegExp, string][] = [
  [/^Usage:/gm, 'Cách dùng:'],
  [/\[options\]/g, '[tùy chọn]'],
  [/\[command\]/g, '[lệnh]'],
  [/^Options:/gm, 'Tùy chọn:'],
  [/^Arguments:/gm, 'Tham số:'],
  [/^Commands:/gm, 'Lệnh:'],
  [/display help for command/g, 'hướng dẫn sử dụng'],
  [/\(default: ([^)]*)\)/g, '(mặc định: $1)'],
  [/error: missing required argument '([^']+)'/g, "Lỗi: thiếu tham số bắt buộc '$1'"],
  [/error: required option '([^']+)' not specified/g, "Lỗi: thiếu tùy chọn bắt buộc '$1'"],
  [/error: unknown command '([^']+)'/g, "Lỗi: không có lệnh '$1'"],
  [/error: unknown option '([^']+)'/g, "Lỗi: không có tùy chọn '$1'"],
  [/error: too many arguments( for '[^']+')?\. Expected (\d+) arguments? but got (\d+)\./g, 'Lỗi: thừa tham số (cần $2, nhận $3).'],
  [/error: option '([^']+)' argument missing/g, "Lỗi: tùy chọn '$1' thiếu giá trị"],
  [/error: option '([^']+)' argument '([^']*)' is invalid\./g, "Lỗi: giá trị '$2' của tùy chọn '$1' không hợp lệ:"],
  [/\(Did you mean ([^?]+)\?\)/g, '(Có phải ý bạn là $1?)'],
];

function vietnamese(text: string): string {
  return COMMANDER_VI.reduce((t, [from, to]) => t.replace(from, to), text);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`cần một số nguyên dương, nhận "${v}"`);
  return n;
}

/** Seconds, whole or not ("0,5" as Vietnamese write it, or "0.5"). */
function positiveSeconds(v: string): number {
  const n = Number(v.trim().replace(',', '.'));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`cần một số giây lớn hơn 0, nhận "${v}"`);
  return n;
}

function maxFileOption(): Option {
  return new Option('--max-file-mb <MB>', 'dung lượng tối đa của một tệp (mặc định 50)').argParser(positiveInt);
}
