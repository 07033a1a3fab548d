/**
 * The file system under the database: network file systems (where WAL is unsafe) and the
 * permissions of the database and its -wal/-shm companions.
 */
import { chmodSync, chownSync, existsSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';

/**
 * statfs(2) f_type magic numbers of file systems shared between hosts (linux/magic.h and
 * the file systems' own headers). WAL keeps its index in a memory-mapped -shm file, which is
 * only coherent between processes of ONE host; on these, two machines would corrupt the file.
 */
export const NETWORK_FS_TYPES: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x01021997, '9p'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'afs'],
  [0x73757245, 'coda'],
  [0x564c, 'ncp'],
  [0x00c36400, 'ceph'],
  [0x01161970, 'gfs2'],
  [0x7461636f, 'ocfs2'],
  [0x0bd00bd0, 'lustre'],
  [0x786f4256, 'vboxsf'],
  [0x47504653, 'gpfs'],
]);

export const FUSE_SUPER_MAGIC = 0x65735546;

/** FUSE file systems that reach another host (sshfs, cloud buckets, cluster file systems). */
const NETWORK_FUSE = /^(fuse\.)?(sshfs|s3fs|rclone|gcsfuse|goofys|glusterfs|ceph-fuse|cephfs|davfs|davfs2|smbnetfs|curlftpfs|juicefs|seaweedfs|moosefs|mfs|lizardfs|beegfs|afp|afpfs|blobfuse|blobfuse2|gvfsd-fuse|sshfs\.fuse)$/;

export interface FilesystemProbe {
  /** statfs(dir).type */
  statfsType(dir: string): number;
  /** The mount type string ("fuse.sshfs") for a FUSE mount holding dir, when known. */
  fuseSubtype(dir: string): string | undefined;
}

export const systemProbe: FilesystemProbe = {
  statfsType: (dir) => statfsSync(dir).type,
  fuseSubtype: (dir) => fuseSubtypeFromMountinfo(dir),
};

/** The longest mount point in /proc/self/mountinfo that contains dir, and its type. */
function fuseSubtypeFromMountinfo(dir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  let best: { point: string; type: string } | undefined;
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const point = (left.split(' ')[4] ?? '').replace(/\\040/g, ' ');
    const type = right.split(' ')[0] ?? '';
    const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : point + '/');
    if (inside && (!best || point.length > best.point.length)) best = { point, type };
  }
  return best?.type;
}

/** The name of the network file system holding dir, or undefined when it is local. */
export function networkFilesystem(dir: string, probe: FilesystemProbe = systemProbe): string | undefined {
  let type: number;
  try {
    type = probe.statfsType(dir);
  } catch {
    return undefined; // the folder does not exist yet or statfs is unsupported: nothing to refuse
  }
  const known = NETWORK_FS_TYPES.get(type >>> 0);
  if (known) return known;
  if (type >>> 0 === FUSE_SUPER_MAGIC) {
    const subtype = probe.fuseSubtype(dir);
    if (subtype && NETWORK_FUSE.test(subtype)) return subtype;
  }
  return undefined;
}

export function walOnNetworkError(path: string, fsName: string): UserError {
  return new UserError(
    `${path} is on a network file system (${fsName}); crm refuses WAL mode there. WAL keeps its lock index in shared memory that only processes on one host see, so two machines writing the file would silently corrupt it.`,
    'Keep the database on a local disk of one host and let colleagues run crm there (ssh), or accept the risks with --journal delete (or CRM_JOURNAL=delete): a rollback journal relies on the network file system\'s locks, and writers are serialised and slower.',
    'db_network_fs',
  );
}

/** The mode and group of the database file, applied to its -wal and -shm files. */
export function alignCompanionPermissions(path: string): void {
  let db;
  try {
    db = statSync(path);
  } catch {
    return;
  }
  const mode = db.mode & 0o777;
  const me = typeof process.getuid === 'function' ? process.getuid() : -1;
  for (const suffix of ['-wal', '-shm', '-journal']) {
    const file = path + suffix;
    try {
      if (!existsSync(file)) continue;
      const st = statSync(file);
      if (st.uid !== me && me !== 0) continue; // only the owner (or root) may change it
      if ((st.mode & 0o777) !== mode) chmodSync(file, mode);
      if (st.gid !== db.gid) chownSync(file, st.uid, db.gid);
    } catch {
      // best effort: another process may have removed the file meanwhile
    }
  }
}

/** A group name or number to a gid (getent, then /etc/group). */
export function resolveGroup(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  const fromLine = (line: string | undefined) => {
    const parts = (line ?? '').trim().split(':');
    return parts[0] === group && /^\d+$/.test(parts[2] ?? '') ? Number(parts[2]) : undefined;
  };
  try {
    // child_process (with net and dgram) is loaded here, for `--group` only, not by every command that opens the file.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const gid = fromLine(execFileSync('getent', ['group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    if (gid !== undefined) return gid;
  } catch {
    // getent missing or group unknown to it: try /etc/group
  }
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const gid = fromLine(line);
      if (gid !== undefined) return gid;
    }
  } catch {
    // no /etc/group
  }
  throw new UserError(`Unknown group "${group}".`, 'Create it first (sudo groupadd crm; sudo usermod -aG crm USER) or give a numeric gid.', 'unknown_group');
}
