#!/usr/bin/env python3
"""A read-only FUSE file system over a backing folder, for the loader's read-deadline tests.

    stallfs.py BACKING MOUNTPOINT

Serves BACKING at MOUNTPOINT as it is, except that reading a file whose name contains
"stall" blocks until the process ends: a file system that stops answering in the middle of a
sync, as a hung network mount does. Stopping the process (SIGSTOP) makes every call on the
mount block; SIGCONT lets them finish. Killing it makes the calls fail ("Transport endpoint is
not connected"); the mount is then removed with `umount -l MOUNTPOINT`.

Needs libfuse2 and fusepy (Tools/services fuse installs both) and permission to mount.
"""
import errno
import os
import sys
import threading

from fuse import FUSE, FuseOSError, Operations

STAT_FIELDS = ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid")


class StallingPassthrough(Operations):
    def __init__(self, backing):
        self.backing = backing
        self.never = threading.Event()

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def getattr(self, path, fh=None):
        try:
            info = os.lstat(self._path(path))
        except OSError as error:
            raise FuseOSError(error.errno)
        return {name: getattr(info, name) for name in STAT_FIELDS}

    def readlink(self, path):
        return os.readlink(self._path(path))

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._path(path))

    def open(self, path, flags):
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise FuseOSError(errno.EROFS)
        return os.open(self._path(path), os.O_RDONLY)

    def read(self, path, size, offset, fh):
        if "stall" in os.path.basename(path):
            self.never.wait()
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        os.close(fh)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    backing, mountpoint = sys.argv[1], sys.argv[2]
    # Attributes and entries are not cached by the kernel: every stat reaches this process.
    FUSE(
        StallingPassthrough(backing), mountpoint, foreground=True, ro=True, nothreads=False,
        attr_timeout=0, entry_timeout=0, negative_timeout=0,
    )


if __name__ == "__main__":
    main()
