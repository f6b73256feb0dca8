// The WebSocket itself lives in a small Node process (firmware/sim/bridge.ts)
// that only moves frames; this class starts it and speaks its line protocol:
//   to the bridge:   {"op":"connect","conn":N,"url":…} {"op":"send","conn":N,"text":…}
//                    {"op":"close","conn":N,"code":C}  (C 0: no close frame, the socket dropped)
//   from the bridge: {"ev":"open","conn":N} {"ev":"text","conn":N,"text":…}
//                    {"ev":"ping","conn":N} (answered by the bridge's ws)
//                    {"ev":"close","conn":N,"code":…}
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace hearth {

struct BridgeEvent {
  enum Kind { opened, message, pinged, closed } kind;
  int conn;
  std::string payload;
  int code;
};

class BridgeProcess {
 public:
  bool start(const std::string& repo_root);
  bool running() const { return pid_ > 0; }
  int event_fd() const { return from_child_; }
  void connect(int conn, const std::string& url);
  void send(int conn, const char* text, size_t length);
  // With a close frame carrying `code`, or (0) none: the socket is dropped.
  void close(int conn, int code = 1000);
  // Reads what is available; false when the bridge has gone away.
  bool read_events(std::vector<BridgeEvent>& out);
  // Closes the WebSocket cleanly and waits (bounded) for the bridge to exit.
  void stop(int timeout_ms);

 private:
  void write_line(const std::string& line);
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string pending_;
};

}  // namespace hearth
