/**
 * Creates an officer account and prints its generated password once; with --password-stdin, takes
 * the password from the first line of standard input instead (never from the command line, which
 * other users and the shell history see), refused when weak. Either way the officer must choose
 * their own password at first login.
 *
 *   npm run officer:add -- --username ba.to --role officer --unit CAX-BATO --name "Đ/c Nguyễn Văn A"
 *   printf '%s\n' "$MAT_KHAU" | npm run officer:add -- --username ba.to --role officer --unit CAX-BATO --password-stdin
 *
 * Uses the same configuration (DATABASE_URL…) as the service and applies pending migrations first.
 */
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { AppError } from "../src/http/errors.ts";
import type { Database } from "../src/db/client.ts";
import { checkOfficerUnit } from "../src/officers/check-officer-unit.ts";
import { createOfficer } from "../src/officers/create-officer.ts";
import { ROLES, ROLE_NAMES, isRole } from "../src/officers/roles.ts";

const USAGE = `Tạo tài khoản cán bộ.

  npm run officer:add -- --username <tên> --role <vai trò> [--unit <mã đơn vị>] [--name "<họ tên>"] [--password-stdin]

--unit bắt buộc với vai trò chỉ xem tin của đơn vị mình (${ROLE_NAMES.filter((r) => ROLES[r].tipScope === "unit").join(", ")}).

Không có --password-stdin: mật khẩu được tạo ngẫu nhiên và in ra một lần.
--password-stdin: đọc mật khẩu từ dòng đầu của đầu vào chuẩn; mật khẩu phải đủ mạnh (ít nhất 12 ký tự,
không phải mật khẩu phổ biến hay dễ đoán). Cán bộ phải đổi mật khẩu ở lần đăng nhập đầu.

Vai trò:
${ROLE_NAMES.map((r) => `  ${r.padEnd(9)} ${ROLES[r].label}`).join("\n")}
`;

/** createOfficer's field names → this script's flags, for error messages. */
const FLAGS: Record<string, string> = { username: "username", displayName: "name", role: "role", unitId: "unit", password: "password-stdin" };

/** The first line of standard input, without its line break. */
async function readPasswordLine(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: "string" },
      role: { type: "string" },
      unit: { type: "string" },
      name: { type: "string" },
      "password-stdin": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.username || !values.role) {
    process.stderr.write(`Thiếu --username hoặc --role.\n\n${USAGE}`);
    return 2;
  }
  if (!isRole(values.role)) {
    process.stderr.write(`Vai trò không hợp lệ: ${values.role}. Chọn một trong: ${ROLE_NAMES.join(", ")}.\n`);
    return 2;
  }

  const chosen = values["password-stdin"] ? await readPasswordLine() : undefined;
  if (chosen === "") {
    process.stderr.write("--password-stdin: đầu vào chuẩn không có mật khẩu (dòng đầu trống).\n");
    return 2;
  }

  const config = loadConfig();
  await migrate(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl);
  try {
    const unitId = values.unit?.trim().toUpperCase() || null;
    const refusal = await checkOfficerUnit(database.db, { role: values.role, unitId, unitChanged: true }).then(
      () => null,
      (e: unknown) => (e instanceof AppError ? e.message : Promise.reject(e)),
    );
    if (refusal) {
      process.stderr.write(`--unit: ${refusal}\n${await unitChoices(database)}`);
      return 2;
    }
    const { officer, password } = await createOfficer(database, {
      username: values.username,
      displayName: values.name ?? values.username,
      role: values.role,
      unitId: values.unit ?? null,
      ...(chosen === undefined ? {} : { password: chosen }),
    });
    process.stdout.write(
      `Đã tạo tài khoản ${officer.username} (${ROLES[officer.role].label}${officer.unitId ? `, đơn vị ${officer.unitId}` : ""}).\n` +
        (chosen === undefined ? `Mật khẩu (chỉ hiện một lần, hãy trao tận tay): ${password}\n` : "Mật khẩu: như đã nhập.\n") +
        "Ở lần đăng nhập đầu, cán bộ phải đổi sang mật khẩu của riêng mình.\n",
    );
    return 0;
  } finally {
    await database.close();
  }
}

/** The units an officer may be put in, for the message that asks for one. */
async function unitChoices(database: Database): Promise<string> {
  const units = await database.db.policeUnit.findMany({ where: { disabledAt: null }, select: { id: true, name: true }, orderBy: { id: "asc" }, take: 30 });
  if (units.length === 0) return "Chưa có đơn vị nào: hãy nạp danh sách đơn vị trước (npm run units:police), rồi thêm lại với --unit <mã đơn vị>.\n";
  return `Thêm lại với --unit <mã đơn vị>, ví dụ --unit ${units[0]!.id}. Các đơn vị:\n${units.map((u) => `  ${u.id.padEnd(16)} ${u.name}`).join("\n")}\n`;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ZodError) {
      const flag = (field: PropertyKey | undefined) => FLAGS[String(field)] ?? String(field);
      process.stderr.write(`Dữ liệu không hợp lệ:\n${e.issues.map((i) => `  --${flag(i.path[0])}: ${i.message}`).join("\n")}\n`);
    } else if (e instanceof AppError || (e instanceof Error && e.name === "ConfigError")) {
      process.stderr.write(`${e.message}\n`);
    } else {
      process.stderr.write(`Không tạo được tài khoản: ${(e as Error).message}\n`);
    }
    process.exit(1);
  },
);
