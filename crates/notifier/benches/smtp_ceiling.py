"""How fast the local aiosmtpd accepts mail from the simplest client, so the
drain benchmark can show the SMTP server's own ceiling beside Gopy's figure.

    python3 smtp_ceiling.py PORT MAILS CONNECTIONS [split]

Each of CONNECTIONS threads keeps one smtplib connection and sends its share
of MAILS small messages on it. With `split`, the message and the final
"\\r\\n.\\r\\n" go out as two writes with Nagle's algorithm on, as a client
that writes them separately without TCP_NODELAY does: each mail then waits
for the server's delayed ACK. Prints one line: mails per second.
"""

import smtplib
import sys
import threading
import time

port, mails, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
split = len(sys.argv) > 4 and sys.argv[4] == "split"
body = ("Subject: thu thu\r\n\r\n" + "Noi dung thu thu.\r\n" * 40).encode()


def send_split(client, message):
    """DATA with the message and its terminator in two writes."""
    client.putcmd("data")
    code, _ = client.getreply()
    if code != 354:
        raise RuntimeError(f"DATA refused: {code}")
    client.sock.sendall(message)
    client.sock.sendall(b"\r\n.\r\n")
    code, _ = client.getreply()
    if code != 250:
        raise RuntimeError(f"message refused: {code}")


def worker(count):
    client = smtplib.SMTP("127.0.0.1", port)
    client.ehlo()
    if not split:
        # Python sockets keep Nagle on; smtplib writes each mail in one go.
        for _ in range(count):
            client.sendmail("gopy@tinhuy.vn", ["nguoi@tinhuy.vn"], body)
    else:
        for _ in range(count):
            client.mail("gopy@tinhuy.vn")
            client.rcpt("nguoi@tinhuy.vn")
            send_split(client, body)
    client.quit()


share = [mails // connections + (1 if i < mails % connections else 0) for i in range(connections)]
threads = [threading.Thread(target=worker, args=(n,)) for n in share]
started = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
took = time.perf_counter() - started
print(f"{mails / took:.0f}")
