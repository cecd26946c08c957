import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATIONS_FOLDER } from "../migrate";

/** A copy of the committed migrations up to and including `last` (the journal trimmed to match). */
export async function migrationsUpTo(last: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "gw-migrations-"));
  await mkdir(path.join(dir, "meta"));
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"));
  const upTo = journal.entries.findIndex((e: { tag: string }) => e.tag === last);
  if (upTo < 0) throw new Error(`no migration ${last}`);
  journal.entries = journal.entries.slice(0, upTo + 1);
  await writeFile(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  for (const name of await readdir(MIGRATIONS_FOLDER))
    if (journal.entries.some((e: { tag: string }) => `${e.tag}.sql` === name))
      await copyFile(path.join(MIGRATIONS_FOLDER, name), path.join(dir, name));
  return dir;
}
