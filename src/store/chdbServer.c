/*
 * chdb-server: ClickHouse's HTTP interface served by the engine in libchdb, in a process of
 * its own, until it is told to stop. Built and started by src/store/localServer.ts.
 *
 *   chdb-server LIBCHDB CLICKHOUSE_ARG...     e.g. --path=DIR --http_port=P --listen_host=127.0.0.1
 *
 * libchdb is clickhouse-local. Its command-line entry point, chdb_query_cmdline, runs the given
 * arguments and a query that starts the HTTP listener, then counts the lines of a pipe that only
 * this program holds open for writing: the call lasts, and the server answers, until that pipe
 * closes. It closes on SIGTERM, SIGINT or SIGHUP, or when standard input reaches its end (the
 * process that started this one is gone, even killed). The query then ends, the engine shuts down
 * inside the call (the data directory is left consistent), and the program leaves through
 * _exit: libchdb's exit handlers can deadlock with its background threads
 * (see src/store/embeddedExit.ts). Exit status 0 after a stop; 1 when the engine failed or ended
 * by itself, its error on stderr (a port already taken, a bad argument); 2 when libchdb cannot
 * be loaded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct chdb_result chdb_result;
typedef chdb_result *(*query_cmdline_fn)(int argc, char **argv);
typedef const char *(*result_error_fn)(chdb_result *result);

/* The write end of the pipe the query reads; -1 once closed (closed once, from any thread). */
static int stop_fd = -1;

/* Async-signal-safe: an atomic exchange and close(2). */
static void stop_serving(void) {
  int fd = __atomic_exchange_n(&stop_fd, -1, __ATOMIC_SEQ_CST);
  if (fd >= 0) close(fd);
}

static void on_signal(int signal) {
  (void)signal;
  stop_serving();
}

/* Reads what was standard input until its end, then stops the server. */
static void *watch_parent(void *arg) {
  int fd = *(int *)arg;
  char buffer[256];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    break;
  }
  stop_serving();
  return NULL;
}

static int cloexec(int fd) {
  return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s LIBCHDB [CLICKHOUSE_ARG...]\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
    return 2;
  }
  query_cmdline_fn query_cmdline = (query_cmdline_fn)dlsym(lib, "chdb_query_cmdline");
  result_error_fn result_error = (result_error_fn)dlsym(lib, "chdb_result_error");
  if (query_cmdline == NULL || result_error == NULL) {
    fprintf(stderr, "%s does not export chdb_query_cmdline and chdb_result_error\n", argv[1]);
    return 2;
  }

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0 || cloexec(pipe_fds[0]) != 0 || cloexec(pipe_fds[1]) != 0) {
    perror("pipe");
    return 2;
  }
  stop_fd = pipe_fds[1];

  /* The parent's end of standard input is watched here; the engine reads /dev/null instead. */
  static int parent_fd;
  parent_fd = dup(0);
  int null_fd = open("/dev/null", O_RDONLY);
  if (parent_fd < 0 || cloexec(parent_fd) != 0 || null_fd < 0 || dup2(null_fd, 0) < 0) {
    perror("stdin");
    return 2;
  }
  close(null_fd);

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGHUP, &action, NULL);

  pthread_t watcher;
  if (pthread_create(&watcher, NULL, watch_parent, &parent_fd) != 0) {
    fprintf(stderr, "cannot start the stdin watcher\n");
    return 2;
  }
  pthread_detach(watcher);

  char query[160];
  snprintf(query, sizeof query,
           "--query=SYSTEM START LISTEN HTTP; SELECT count() FROM file('/dev/fd/%d', 'LineAsString') FORMAT Null",
           pipe_fds[0]);
  char **args = calloc((size_t)argc + 1, sizeof(char *));
  if (args == NULL) return 2;
  int n = 0;
  args[n++] = "clickhouse";
  args[n++] = query; /* before the arguments: those after a "--" are configuration keys */
  for (int i = 2; i < argc; i++) args[n++] = argv[i];

  chdb_result *result = query_cmdline(n, args);
  const char *error = result == NULL ? "chdb_query_cmdline returned no result" : result_error(result);
  int status = 0;
  if (error != NULL && error[0] != '\0') {
    fprintf(stderr, "%s\n", error);
    status = 1;
  }
  /* The query ended without being asked to: the engine failed and has said why on stderr
     (e.g. the port is taken: it reports that itself and returns no error). */
  if (__atomic_load_n(&stop_fd, __ATOMIC_SEQ_CST) >= 0) status = 1;
  fflush(stdout);
  fflush(stderr);
  _exit(status);
}
