/*
 * store_io.h — the store's writes: whether they fail (a full disk, a
 * failing write), and the size of its write-ahead log.
 *
 * A write that fails is rolled back and logged where it failed, and the
 * caller answers it as failed (a 5xx, a fetch not recorded); these say so
 * to /healthz and /metrics as well.  The write-ahead log is checkpointed
 * after commits as SQLite does by default (every 1000 pages); a reader
 * that holds an old snapshot keeps the log from being reset, so it grows
 * while the reader stays.  Once the reader has gone, the log is truncated
 * back: at the next commit, or at the next store_wal_checkpoint().
 */
#ifndef TSUNAGU_STORE_IO_H
#define TSUNAGU_STORE_IO_H

#include <stdint.h>

struct store;

/* Past this the write-ahead log is truncated when no reader holds it;
 * SQLite also truncates it to this size whenever it starts over. */
#define STORE_WAL_LIMIT		(8 * 1024 * 1024)

struct store_io_status {
	uint64_t	 sio_errors;	/* I/O failures since the store opened */
	int		 sio_failing;	/* the last write failed */
	const char	*sio_error;	/* its reason while failing (borrowed) */
};

void	 store_io_status(struct store *, struct store_io_status *);

/*
 * When the write-ahead log has grown past STORE_WAL_LIMIT: checkpoints it
 * and truncates it, without waiting for a reader that still holds it.
 * Returns 0 when the log is within the limit, 1 when a reader keeps it
 * (it is tried again next time), -1 on an error (logged).
 */
int	 store_wal_checkpoint(struct store *);

/* The size of the write-ahead log's file in bytes, 0 if there is none. */
int64_t	 store_wal_size(struct store *);

#endif
