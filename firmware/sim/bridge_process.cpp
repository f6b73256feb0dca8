#include "bridge_process.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace hearth {

namespace {
std::string packet(const char* op, int conn, const char* key = nullptr,
                   const std::string& value = "", int code = -1) {
  cJSON* o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "op", op);
  cJSON_AddNumberToObject(o, "conn", conn);
  if (key) cJSON_AddStringToObject(o, key, value.c_str());
  if (code >= 0) cJSON_AddNumberToObject(o, "code", code);
  char* text = cJSON_PrintUnformatted(o);
  std::string line(text);
  cJSON_free(text);
  cJSON_Delete(o);
  return line + "\n";
}
}  // namespace

bool BridgeProcess::start(const std::string& repo_root) {
  int down[2], up[2];
  if (pipe2(down, O_CLOEXEC) != 0) return false;
  if (pipe2(up, O_CLOEXEC) != 0) return false;
  const std::string script = repo_root + "/firmware/sim/bridge.ts";
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    dup2(down[0], 0);
    dup2(up[1], 1);
    if (chdir(repo_root.c_str()) != 0) _exit(127);
    // Its own process group: a Ctrl-C reaches the simulator, which then
    // closes the WebSocket cleanly through the bridge.
    setpgid(0, 0);
    execlp("node", "node", "--import", "tsx", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(down[0]);
  ::close(up[1]);
  to_child_ = down[1];
  from_child_ = up[0];
  fcntl(from_child_, F_SETFL, O_NONBLOCK);
  return true;
}

void BridgeProcess::write_line(const std::string& line) {
  if (to_child_ < 0) return;
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(to_child_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the bridge is gone; read_events reports it
    done += size_t(n);
  }
}

void BridgeProcess::connect(int conn, const std::string& url) {
  write_line(packet("connect", conn, "url", url));
}

void BridgeProcess::send(int conn, const char* text, size_t length) {
  write_line(packet("send", conn, "text", std::string(text, length)));
}

void BridgeProcess::close(int conn, int code) { write_line(packet("close", conn, nullptr, "", code)); }

bool BridgeProcess::read_events(std::vector<BridgeEvent>& out) {
  char buffer[8192];
  bool alive = true;
  for (;;) {
    const ssize_t n = ::read(from_child_, buffer, sizeof buffer);
    if (n > 0) {
      pending_.append(buffer, size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) alive = false;
    break;
  }
  size_t newline;
  while ((newline = pending_.find('\n')) != std::string::npos) {
    cJSON* o = cJSON_ParseWithLength(pending_.data(), newline);
    pending_.erase(0, newline + 1);
    const cJSON* ev = cJSON_GetObjectItem(o, "ev");
    const cJSON* conn = cJSON_GetObjectItem(o, "conn");
    if (cJSON_IsString(ev) && cJSON_IsNumber(conn)) {
      BridgeEvent e{BridgeEvent::closed, conn->valueint, "", 0};
      const cJSON* text = cJSON_GetObjectItem(o, "text");
      const cJSON* code = cJSON_GetObjectItem(o, "code");
      if (strcmp(ev->valuestring, "open") == 0) {
        e.kind = BridgeEvent::opened;
        out.push_back(e);
      } else if (strcmp(ev->valuestring, "ping") == 0) {
        e.kind = BridgeEvent::pinged;
        out.push_back(e);
      } else if (strcmp(ev->valuestring, "text") == 0 && cJSON_IsString(text)) {
        e.kind = BridgeEvent::message;
        e.payload = text->valuestring;
        out.push_back(e);
      } else if (strcmp(ev->valuestring, "close") == 0) {
        e.code = cJSON_IsNumber(code) ? code->valueint : 0;
        out.push_back(e);
      }
    }
    cJSON_Delete(o);
  }
  if (!alive) {
    ::close(from_child_);
    ::close(to_child_);
    from_child_ = to_child_ = -1;
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  return alive;
}

void BridgeProcess::stop(int timeout_ms) {
  if (pid_ <= 0) return;
  // EOF on its stdin tells the bridge to close the WebSocket and exit.
  ::close(to_child_);
  to_child_ = -1;
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    const timespec ten_ms{0, 10 * 1000 * 1000};
    nanosleep(&ten_ms, nullptr);
  }
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (from_child_ >= 0) ::close(from_child_);
  from_child_ = -1;
}

}  // namespace hearth
