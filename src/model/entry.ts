// How a process enters a node: one small Perl program that does what `ip netns exec` does (join the network
// namespace, a private mount namespace, the namespace's /sys, /etc/netns/NS files) and also bind-mounts the node's
// files (the lab's /etc/hosts, a router's /etc/frr), then exec()s the command: one process, like `ip netns exec`.
// Pure: it builds argv; the system call numbers are data.

/**
 * System call numbers by architecture (Node's process.arch names): setns(2), unshare(2), mount(2), umount2(2), and
 * clock_gettime(2) for the Perl timers (perl-base has no Time::HiRes). The one table nslab has: entry, the relay, the
 * health sampler and the UML agent's lateness probe all read it.
 * On another architecture, entry falls back to `ip netns exec` and a shell running mount(8).
 */
export const SYSCALLS: Partial<Record<string, { setns: number; unshare: number; mount: number; umount2: number; clockGettime: number }>> = {
  x64: { setns: 308, unshare: 272, mount: 165, umount2: 166, clockGettime: 228 },
  ia32: { setns: 346, unshare: 310, mount: 21, umount2: 52, clockGettime: 265 },
  arm64: { setns: 268, unshare: 97, mount: 40, umount2: 39, clockGettime: 113 },
  arm: { setns: 375, unshare: 337, mount: 21, umount2: 52, clockGettime: 263 },
  riscv64: { setns: 268, unshare: 97, mount: 40, umount2: 39, clockGettime: 113 },
  loong64: { setns: 268, unshare: 97, mount: 40, umount2: 39, clockGettime: 113 },
  ppc64: { setns: 350, unshare: 282, mount: 21, umount2: 52, clockGettime: 246 },
  s390x: { setns: 339, unshare: 303, mount: 21, umount2: 52, clockGettime: 260 },
};

/**
 * The entry program, for one architecture. Arguments: NETNS, then SOURCE TARGET pairs, `--`, the command.
 * Why not `ip netns exec NS sh -c 'mount --bind …; exec "$@"'`: that is three programs started (ip, sh, mount per
 * file) where this is one. Measured on the 2-core machine, quiet, 30 runs each: `ip netns exec NS true` 3 ms, with
 * the shell and one `mount --bind` 6 ms, this program with one bind 4 ms; under load (avg ~8) the shell form cost
 * 165 ms against 52 ms, since every process start waits for a core.
 * The mounts are made in the process's own new mount namespace, with / a slave of the host's (MS_REC|MS_SLAVE,
 * as `ip netns exec` does), so nothing propagates back: they vanish with the process and its children.
 * /sys: the host's is detached and the namespace's sysfs mounted (read-only when the host's /sys is, as in a
 * container), so /sys/class/net lists the node's interfaces. /etc/netns/NS/* are bound over /etc/* last, as
 * iproute2 does: a user's own per-namespace file wins over the lab's.
 * A file whose target the host lacks (a system without /etc/gai.conf) is skipped: there is nothing to cover, and
 * a mount needs an existing target. A directory's target must exist (FRR's /etc/frr: the package is installed).
 * A failed exec exits 127 (ENOENT: command not found) or 126, as a shell does (not `$!{ENOENT}`: `%!` loads Errno.pm, a file read at every entry).
 */
export function entrySource(n: { setns: number; unshare: number; mount: number; umount2: number }): string {
  return [
    'my $ns = shift; my ($e, $none, $root, $sys, $sysfs) = ("", "none", "/", "/sys", "sysfs");',
    'sub fail { print STDERR "nslab: $_[0]\\n"; exit 126 }',
    'open(my $fh, "<", "/run/netns/$ns") or fail("cannot open network namespace \\"$ns\\": $!");',
    `syscall(${n.setns}, fileno($fh), 0x40000000) == 0 or fail("setting the network namespace \\"$ns\\" failed: $!"); close $fh;`,
    `syscall(${n.unshare}, 0x20000) == 0 or fail("unshare(CLONE_NEWNS) failed: $!");`,
    `syscall(${n.mount}, $e, $root, $none, 0x84000, 0) == 0 or fail("mount --make-rslave / failed: $!");`,
    `syscall(${n.umount2}, $sys, 2);`,
    `syscall(${n.mount}, $ns, $sys, $sysfs, 0, 0) == 0 or syscall(${n.mount}, $ns, $sys, $sysfs, 1, 0) == 0 or fail("mount of /sys failed: $!");`,
    `while (@ARGV && $ARGV[0] ne "--") { my ($s, $t) = splice(@ARGV, 0, 2); next if -f $s && !-e $t; syscall(${n.mount}, $s, $t, $none, 0x1000, 0) == 0 or fail("mount --bind $s $t failed: $!"); }`,
    'shift @ARGV;',
    'if (opendir(my $d, "/etc/netns/$ns")) { for (grep { !/^\\.\\.?$/ } readdir $d) { my ($s, $t) = ("/etc/netns/$ns/$_", "/etc/$_");',
    `  syscall(${n.mount}, $s, $t, $none, 0x1000, 0) == 0 or print STDERR "Bind $s -> $t failed: $!\\n"; } }`,
    'exec { $ARGV[0] } @ARGV; print STDERR "nslab: cannot run $ARGV[0]: $!\\n"; exit($! + 0 == 2 ? 127 : 126);',
  ].join('\n');
}
