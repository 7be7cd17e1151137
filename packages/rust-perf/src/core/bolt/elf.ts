// What BOLT needs from a binary, read from its ELF headers before BOLT runs, so each refusal names
// the cause and the fix instead of a BOLT-ERROR line: an ELF file, for x86_64 or aarch64, with a
// symbol table (.symtab; `strip` removes it) and with static relocations kept by the linker
// (`--emit-relocs` leaves `.rela.text`; without them BOLT can neither instrument nor move functions).
import * as fs from 'node:fs';

export type ElfMachine = 'x86_64' | 'aarch64' | 'other';

export interface ElfFacts {
  machine: ElfMachine;
  /** e_machine as a number, for messages about unsupported machines. */
  machineCode: number;
  /** ET_EXEC or ET_DYN (PIE). */
  executable: boolean;
  /** `.rela.text` is present: the linker kept relocations (-Wl,--emit-relocs). */
  relocations: boolean;
  /** `.symtab` is present (not stripped). */
  symbols: boolean;
  /** Section names, in file order. */
  sections: string[];
  /** The `.comment` section's strings (compiler and linker versions, e.g. "mold 1.10.1 (compatible with GNU ld)"). */
  comment: string[];
}

export class NotElfError extends Error {}

const MACHINES: Record<number, ElfMachine> = { 62: 'x86_64', 183: 'aarch64' };

/** Parses the ELF header and section names from the file's bytes (64-bit little-endian only, as BOLT's targets). */
export function parseElf(buf: Buffer, file: string): ElfFacts {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new NotElfError(`${file} is not an ELF file: BOLT rewrites Linux (ELF) executables only`);
  if (buf[4] !== 2 || buf[5] !== 1) throw new NotElfError(`${file} is a ${buf[4] === 1 ? '32-bit' : 'big-endian'} ELF file: BOLT supports 64-bit little-endian x86_64 and aarch64 executables`);
  const type = buf.readUInt16LE(16);
  const machineCode = buf.readUInt16LE(18);
  const shoff = Number(buf.readBigUInt64LE(40));
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  const shstrndx = buf.readUInt16LE(62);
  const sections: string[] = [];
  let comment: string[] = [];
  if (shoff > 0 && shnum > 0 && shoff + shnum * shentsize <= buf.length && shstrndx < shnum) {
    const strtabHeader = shoff + shstrndx * shentsize;
    const strOff = Number(buf.readBigUInt64LE(strtabHeader + 24));
    for (let i = 0; i < shnum; i++) {
      const header = shoff + i * shentsize;
      const start = strOff + buf.readUInt32LE(header);
      const end = buf.indexOf(0, start);
      const name = buf.toString('latin1', start, end < 0 ? start : end);
      sections.push(name);
      if (name === '.comment') {
        const off = Number(buf.readBigUInt64LE(header + 24));
        const size = Number(buf.readBigUInt64LE(header + 32));
        comment = buf.toString('latin1', off, Math.min(off + size, buf.length)).split('\0').filter(Boolean);
      }
    }
  }
  return {
    machine: MACHINES[machineCode] ?? 'other',
    machineCode,
    executable: type === 2 || type === 3,
    relocations: sections.includes('.rela.text'),
    symbols: sections.includes('.symtab'),
    sections,
    comment,
  };
}

export function readElf(file: string): ElfFacts {
  return parseElf(fs.readFileSync(file), file);
}

export class BoltInputError extends Error {}

/** Refuses a binary BOLT cannot optimize, with the reason and the fix. */
export function checkBoltInput(facts: ElfFacts, file: string): void {
  if (facts.machine === 'other') throw new BoltInputError(`${file} is an ELF file for machine ${facts.machineCode}: BOLT optimizes x86_64 and aarch64 executables only.`);
  if (!facts.executable) throw new BoltInputError(`${file} is not an executable (ELF type is neither EXEC nor DYN).`);
  if (!facts.symbols)
    throw new BoltInputError(
      `${file} is stripped (no .symtab): BOLT needs the symbol table to find functions.\n` +
        'rust-perf builds with `-Cstrip=none`; something removed the symbols anyway: a `-C link-arg=-s`/`-Wl,--strip-all` in RUSTFLAGS or .cargo/config.toml, or a post-build strip. Remove it for this build.',
    );
  if (!facts.relocations)
    throw new BoltInputError(
      `${file} has no static relocations (no .rela.text): BOLT needs them to move functions and to instrument.\n` +
        'They are kept by linking with `-C link-args=-Wl,--emit-relocs`, which rust-perf adds for the target only; if your linker drops them (a custom linker or link-args in RUSTFLAGS/.cargo/config.toml), let it pass --emit-relocs.',
    );
}

/** Why llvm-bolt may have failed on this binary, from what linked it (measured: mold 1.10.1's PLT is rejected by llvm-bolt 22). */
export function explainBoltFailure(facts: ElfFacts): string | undefined {
  const mold = facts.comment.find((c) => /\bmold\b/.test(c));
  if (mold)
    return (
      `The binary was linked by ${mold}; llvm-bolt cannot read the PLT some mold versions write ("unable to disassemble instruction in PLT section"). ` +
      'Link the BOLT input with lld (rust-perf does this when the rustflags name -fuse-ld=mold; a linker wrapper such as `mold -run` hides it): remove mold for this build.'
    );
  return undefined;
}
