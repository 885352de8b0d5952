import '../node/package-data-files.js'; // the core reads the catalogue and wording through it
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { EXIT, UsageError, printableLines, processIO, type CommandIO } from './io.js';
import { VERSION } from '../node/version.js';

/** Entry point of `bdg`: parses arguments and returns the exit status (0 ok, 1 data errors, 2 could not run). */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  const program = bdgProgram();
  const io = () => processIO(program.opts().color !== false);
  const done = (s: number) => {
    status = s;
  };
  for (const add of [addValidate, addTemplate, addConsolidate, addWeb, addReport]) add(program, io, done);

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

/** The program with its global options, help and error output said in Vietnamese (commands added after). */
function bdgProgram(): Command {
  const program = new Command('bdg')
    .description('Kiểm tra, tổng hợp và lập báo cáo bình đẳng giới, Dự án 8')
    .option('--no-color', 'không tô màu kết quả')
    .version(VERSION, '-V, --version', 'in phiên bản của bdg')
    .showHelpAfterError()
    .exitOverride()
    .helpOption('-h, --help', 'hướng dẫn sử dụng')
    .helpCommand('help [LỆNH]', 'hướng dẫn cho một lệnh')
    // Said in Vietnamese before the columns are measured, so the descriptions stay aligned.
    .configureHelp({ subcommandTerm: (cmd) => vietnamese(new Help().subcommandTerm(cmd)) })
    // An argument echoed back ("không có lệnh '…'") may hold control characters: shown escaped.
    .configureOutput({
      writeErr: (s) => process.stderr.write(printableLines(vietnamese(s))),
      writeOut: (s) => process.stdout.write(printableLines(vietnamese(s))),
      // Commander's error lines name arguments by their placeholder; said with what the argument is.
      outputError: (s, write) => write(commanderError(s, program)),
    });
  return program;
}

/** Each command's options, and its runner loaded only when it runs; `done` takes its exit status. */
type AddCommand = (program: Command, io: () => CommandIO, done: (status: number) => void) => void;

const addValidate: AddCommand = (program, io, done) => {
  program
    .command('validate')
    .description('kiểm tra một tệp báo cáo (biểu mẫu .xlsx) trước khi gửi')
    .argument('<TỆP>', 'tệp .xlsx cần kiểm tra')
    .option('--units <TỆP>', UNITS_HELP)
    .option('--units-edition <NĂM>', EDITION_HELP)
    .option('--form <PHIÊN-BẢN>', 'phiên bản biểu mẫu tệp phải theo (mặc định: phiên bản của kỳ báo cáo)')
    .option('--json', 'in kết quả dạng JSON ra stdout')
    .option('--previous <TỆP-TỔNG-HỢP>', 'tệp JSON tổng hợp kỳ trước: cảnh báo số liệu thay đổi bất thường')
    .option(
      '--annotate <TỆP-MỚI>',
      'ghi bản sao của tệp, ô lỗi tô đỏ có ghi chú, sheet đầu "Lỗi cần sửa" (để gửi lại đơn vị)',
    )
    .option('--force', 'ghi đè bản sao --annotate nếu đã có')
    .addOption(maxFileOption())
    .addOption(new Option('--time-limit <GIÂY>', 'thời gian tối đa đọc tệp (mặc định 60)').argParser(positiveSeconds))
    .action(async (file: string, opts) => {
      const { runValidate } = await import('./commands/validate.js');
      done(await runValidate(file, opts, io()));
    });
};

const addTemplate: AddCommand = (program, io, done) => {
  program
    .command('template')
    .description('tạo biểu mẫu trống cho một đơn vị, hoặc cho mọi đơn vị trực thuộc một đơn vị')
    .option('--unit <MÃ>', 'mã đơn vị')
    .option('--under <MÃ>', 'tạo biểu mẫu cho mọi đơn vị trực thuộc đơn vị này (vào thư mục --out)')
    .option('--units <TỆP>', UNITS_HELP)
    .option('--units-edition <NĂM>', EDITION_HELP)
    .option('--period <KỲ>', PERIOD_HELP, String(new Date().getFullYear()))
    .option('--form <PHIÊN-BẢN>', FORM_HELP)
    .option('--province-own', 'biểu mẫu riêng của các cơ quan, đơn vị cấp tỉnh (với --unit là mã tỉnh)')
    .option('--agency <TÊN>', 'với --province-own: cơ quan lập biểu, ví dụ "Sở Nội vụ"')
    .option('--out <TỆP/THƯ-MỤC>', 'tệp .xlsx sẽ tạo (với --under: thư mục)')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (opts) => {
      const { runTemplate } = await import('./commands/template.js');
      done(await runTemplate(opts, io()));
    });
};

const addConsolidate: AddCommand = (program, io, done) => {
  program
    .command('consolidate')
    .description('tổng hợp một thư mục báo cáo theo cấp hành chính')
    .argument('<THƯ-MỤC>', 'thư mục chứa các tệp .xlsx')
    .option('--units <TỆP>', UNITS_HELP)
    .option('--units-edition <NĂM>', EDITION_HELP)
    .option('--root <MÃ>', 'chỉ tổng hợp phần danh mục thuộc đơn vị này (mặc định: đơn vị nhỏ nhất chứa mọi tệp)')
    .option('--config <TỆP>', 'tệp cấu hình (JSON)')
    .option('--period <KỲ>', `${PERIOD_HELP} (mặc định: kỳ của đa số tệp)`)
    .option('--form <PHIÊN-BẢN>', FORM_HELP)
    .option('--out <THƯ-MỤC>', 'thư mục kết quả (mặc định: out)')
    .option('--json', 'in kết quả dạng JSON ra stdout')
    .option('--force', 'ghi đè kết quả đã có')
    .option('--previous <TỆP-TỔNG-HỢP>', 'tệp JSON tổng hợp kỳ trước: cảnh báo bất thường và so sánh trong báo cáo')
    .option(
      '--issuer <CƠ-QUAN>',
      'cơ quan ký báo cáo: so (Sở, mặc định), ubnd (Ủy ban nhân dân tỉnh), hoi-phu-nu (Hội LHPN tỉnh, Dự án 8)',
    )
    .addOption(
      new Option(
        '--workers <SỐ>',
        'số luồng đọc tệp tối đa (mặc định: số nhân CPU; thêm một luồng cho mỗi 500 tệp)',
      ).argParser(positiveInt),
    )
    .addOption(maxFileOption())
    .addOption(
      new Option('--time-limit <GIÂY>', 'thời gian tối đa đọc một tệp (mặc định 60)').argParser(positiveSeconds),
    )
    .action(async (dir: string, opts) => {
      const { runConsolidate } = await import('./commands/consolidate.js');
      done(await runConsolidate(dir, opts, io()));
    });
};

const addWeb: AddCommand = (program, io, done) => {
  program
    .command('web')
    .description('ghi trang web dùng ngoại tuyến (một tệp .html) để kiểm tra, tổng hợp không cần cài đặt')
    .option('--out <TỆP>', 'tệp .html sẽ tạo (mặc định: bdg.html)')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (opts) => {
      const { runWeb } = await import('./commands/web.js');
      done(await runWeb(opts, io()));
    });
};

const addReport: AddCommand = (program, io, done) => {
  program
    .command('report')
    .description('viết lại báo cáo DOCX từ tệp tổng hợp JSON đã lưu')
    .argument('<TỆP-TỔNG-HỢP>', 'tệp JSON do lệnh consolidate tạo')
    .option('--config <TỆP>', 'tệp cấu hình (JSON)')
    .option(
      '--previous <TỆP-TỔNG-HỢP>',
      'tệp JSON tổng hợp kỳ trước, để so sánh; ghi nhiều lần (các năm trước trong giai đoạn) để có số lũy kế giai đoạn',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--form <PHIÊN-BẢN>', 'viết báo cáo theo phiên bản biểu mẫu này (mặc định: phiên bản của tệp tổng hợp)')
    .option(
      '--issuer <CƠ-QUAN>',
      'cơ quan ký báo cáo: so (Sở, mặc định), ubnd (Ủy ban nhân dân tỉnh), hoi-phu-nu (Hội LHPN tỉnh, Dự án 8)',
    )
    .option('--out <TỆP>', 'tệp .docx sẽ tạo')
    .option('--force', 'ghi đè nếu tệp đã có')
    .action(async (rollup: string, opts) => {
      const { runReport } = await import('./commands/report.js');
      done(await runReport(rollup, opts, io()));
    });
};

const UNITS_HELP = 'danh mục đơn vị hành chính riêng (.csv hoặc .xlsx); mặc định: danh mục có sẵn theo kỳ báo cáo';
const FORM_HELP =
  'phiên bản biểu mẫu (các phiên bản kê trong catalogue/editions.csv); mặc định: phiên bản của kỳ báo cáo';
const PERIOD_HELP =
  'kỳ báo cáo: 2026 (năm), 2026-H1 (6 tháng đầu năm), 2026-M9 (9 tháng), 2026-Q1…2026-Q4 (quý), hoặc "Quý III năm 2026"';
const EDITION_HELP = 'dùng danh mục có sẵn của năm này: 2024 (trước 1/7/2025) hoặc 2025 (từ 1/7/2025)';

/** Commander's own words in its help, said in Vietnamese: the users are officials, not programmers. */
const HELP_VI: [RegExp, string][] = [
  [/^Usage:/gm, 'Cách dùng:'],
  [/\[options\]/g, '[tùy chọn]'],
  [/\[command\]/g, '[lệnh]'],
  [/^Options:/gm, 'Tùy chọn:'],
  [/^Arguments:/gm, 'Tham số:'],
  [/^Commands:/gm, 'Lệnh:'],
  [/display help for command/g, 'hướng dẫn sử dụng'],
  [/\(default: ([^)]*)\)/g, '(mặc định: $1)'],
];

function vietnamese(text: string): string {
  return HELP_VI.reduce((t, [from, to]) => t.replace(from, to), text);
}

/**
 * Commander's error lines (commander 14, lib/command.js: missingArgument, optionMissingArgument, unknownOption,
 * _excessArguments, unknownCommand, _callParseArg, choices…), said in Vietnamese. An argument is named by its
 * placeholder and what it is ("thiếu <TỆP> (tệp .xlsx cần kiểm tra)"). A line not known here keeps its words but
 * loses the English "error:".
 */
export function commanderError(text: string, program: Command): string {
  const what = (name: string) => {
    const arg = [program, ...program.commands].flatMap((c) => c.registeredArguments).find((a) => a.name() === name);
    return arg?.description ? ` (${arg.description})` : '';
  };
  const rules: [RegExp, (...m: string[]) => string][] = [
    [
      /^error: missing required argument '([^']+)'/,
      (_, name) => `Lỗi: thiếu tham số bắt buộc <${name}>${what(name!)}.`,
    ],
    [/^error: option '([^']+)' argument missing/, (_, flags) => `Lỗi: tùy chọn ${flags} cần một giá trị.`],
    [/^error: required option '([^']+)' not specified/, (_, flags) => `Lỗi: thiếu tùy chọn bắt buộc ${flags}.`],
    [/^error: unknown option '([^']+)'/, (_, flag) => `Lỗi: không có tùy chọn '${flag}'.`],
    [/^error: unknown command '([^']+)'/, (_, name) => `Lỗi: không có lệnh '${name}'.`],
    [
      /^error: too many arguments(?: for '([^']+)')?\. Expected (\d+) arguments? but got (\d+)\./,
      (_, cmd, want, got) => `Lỗi: thừa tham số${cmd ? ` cho lệnh '${cmd}'` : ''}: cần ${want}, nhận ${got}.`,
    ],
    [
      /^error: option '([^']+)' argument '([^']*)' is invalid\./,
      (_, flags, v) => `Lỗi: giá trị '${v}' của tùy chọn ${flags} không hợp lệ:`,
    ],
    [
      /^error: command-argument value '([^']*)' is invalid for argument '([^']+)'\./,
      (_, v, name) => `Lỗi: giá trị '${v}' của tham số <${name}> không hợp lệ:`,
    ],
    [
      /^error: option '([^']+)' cannot be used with option '([^']+)'/,
      (_, a, b) => `Lỗi: không dùng được ${a} cùng với ${b}.`,
    ],
    [/Allowed choices are ([^\n]*)\./, (_, list) => `Chỉ nhận một trong các giá trị: ${list}.`],
    [/\(Did you mean ([^?]+)\?\)/, (_, like) => `(Có phải ý bạn là ${like}?)`],
    [/^error: /, () => 'Lỗi: '],
  ];
  return rules.reduce((t, [from, to]) => t.replace(from, (...m: string[]) => to(...m)), text);
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
