import Foundation

/// An exclusive `flock` on a lock file beside a report folder, held for a whole run so two
/// runs into one folder never interleave their moves.
///
/// The lock file is removed on release without a race: a run that wakes up holding a lock
/// on a file that was unlinked meanwhile (its inode no longer at the path) lets go and
/// locks the new file instead. So no lock file outlives the runs that used it.
final class FolderLock {
  /// The lock file's path.
  let path: String
  private var descriptor: Int32 = -1

  /// Locks `path`, calling `waiting` once (and then blocking) when another run holds it.
  /// - Throws: ``ReportError/io(_:)`` when the lock file cannot be made.
  init(path: String, waiting: () -> Void) throws(ReportError) {
    self.path = path
    var announced = false
    while true {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw .io("cannot create the lock file \(path): \(String(cString: strerror(errno))); check that its folder is writable")
      }
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        if !announced {
          waiting()
          announced = true
        }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
      }
      // The holder before us may have removed the file we locked: then lock the new one.
      var held = stat()
      var current = stat()
      if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
        descriptor = fd
        return
      }
      close(fd)
    }
  }

  /// Removes the lock file and lets go of the lock.
  func release() {
    guard descriptor >= 0 else { return }
    unlink(path)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
