import fs from 'node:fs/promises';
import { createKeyTransports, signAs, type PasswordSource } from '@sohoa/signer';

export interface SignCommand {
  p12: string;
  password: PasswordSource;
  tsa?: string;
  role: 'unit' | 'officer' | 'none';
  name?: string;
  seal?: string;
  reason?: string;
  input: string;
  output: string;
}

/**
 * `sohoa sign`: signs any PDF with any PKCS#12, by the same code the pipeline uses (PAdES B-B, B-T with --tsa,
 * a visible box for the role; an already signed PDF gets an incremental update). The password is read from a
 * file or an environment variable, never from the command line where `ps` would show it.
 */
export async function runSign(command: SignCommand): Promise<number> {
  const identity = await createKeyTransports().open({ transport: 'pkcs12-file', p12Path: command.p12, password: command.password });
  const signed = await signAs(await fs.readFile(command.input), identity, {
    role: command.role === 'none' ? 'unit' : command.role,
    visible: command.role !== 'none',
    name: command.name,
    sealImage: command.seal ? await fs.readFile(command.seal) : undefined,
    reason: command.reason,
    timestampAuthority: command.tsa ? { url: command.tsa } : undefined,
    onPlacement: (placement) => {
      if (placement.warning) console.error(`warning: ${placement.warning}`);
    },
  });
  await fs.writeFile(command.output, signed);
  console.log(`${command.output}: signed by ${command.name ?? identity.subjectName}${command.tsa ? ', time-stamped (PAdES B-T)' : ' (PAdES B-B)'}`);
  return 0;
}
