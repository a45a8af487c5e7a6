// A real @stomp/stompjs client under Node (ws): connect, subscribe, send, receive, and
// disconnect with a receipt. Prints one JSON line with what happened; exit code 0 on success.
// Usage: node stompjs_client.mjs <ws url> <access token> <party id> <text>
import { Client } from "@stomp/stompjs";
import WebSocket from "ws";

const [url, token, partyId, text] = process.argv.slice(2);
const result = { connected: false, version: null, received: [], receipts: [], errors: [] };
const finish = (code) => {
  console.log(JSON.stringify(result));
  process.exit(code);
};
setTimeout(() => {
  result.errors.push("timeout");
  finish(1);
}, 10000);

const client = new Client({
  webSocketFactory: () => new WebSocket(url, ["v12.stomp", "v11.stomp", "v10.stomp"]),
  connectHeaders: { Authorization: `Bearer ${token}` },
  reconnectDelay: 0,
  heartbeatIncoming: 0,
  heartbeatOutgoing: 0,
  onConnect: (frame) => {
    result.connected = true;
    result.version = frame.headers.version;
    const receiptId = "stompjs-sub";
    client.watchForReceipt(receiptId, () => {
      result.receipts.push(receiptId);
      client.publish({
        destination: `/app/party.${partyId}`,
        body: JSON.stringify({ content: text }),
        headers: { "content-type": "application/json" },
      });
    });
    client.subscribe(
      `/topic/party.${partyId}`,
      (message) => {
        result.received.push({
          body: JSON.parse(message.body),
          messageId: message.headers["message-id"],
        });
        // deactivate() sends DISCONNECT with a receipt and resolves when it arrives.
        client.onDisconnect = (receipt) => {
          result.receipts.push(receipt.headers["receipt-id"]);
          finish(0);
        };
        client.deactivate();
      },
      { id: "js-1", receipt: receiptId },
    );
  },
  onStompError: (frame) => {
    result.errors.push(frame.headers.message);
    finish(2);
  },
  onWebSocketError: () => {
    result.errors.push("websocket error");
    finish(3);
  },
});
client.activate();
