/* linger.h: lingering close for connections answered early (413, 431,
 * refused framing): the server keeps a duplicate of the socket and one
 * thread reads and drops what the client still sends, up to 16 MiB or 5 s,
 * so the answer is not lost to a TCP reset (nginx's lingering_close;
 * libmicrohttpd 0.9.75 has none). Used by server.c only. */
#ifndef SCAN_LINGER_H
#define SCAN_LINGER_H

#include <microhttpd.h>
#include <stdbool.h>

/* Starts the lingering thread; false when it cannot (connections are then
 * closed at once, as without it). Call before the daemon starts. */
bool linger_begin(void);
/* Stops the thread and closes every socket it holds. After the daemon
 * stopped. */
void linger_end(void);
/* From the completion callback (I/O thread), for a connection MHD is about
 * to close with unread input: keeps a duplicate of its socket for the
 * lingering thread (or nothing, past 256 at once or when not started). */
void linger_start(struct MHD_Connection *c);

#endif
