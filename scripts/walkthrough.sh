#!/usr/bin/env bash
# Runs the guide's three sample flows against a running server (mvn spring-boot:run):
# connectCabinet, processUsingXML, processUsingJSON, processUsingDB, disconnectCabinet.
# The samples are sent as the guide writes them: mails go into the local outbox of the sample
# channels, archival runs during the call (S) or through the queue (Y).
# Usage: scripts/walkthrough.sh [base-url]   (needs curl and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://127.0.0.1:8080}
CABINET=${OMS_BOOTSTRAP_CABINET:-omsCabinetName}
CREDENTIALS=${OMS_DATA_DIR:-./data}/bootstrap-credentials.txt
if [ -z "${OMS_PASSWORD:-}" ]; then
  for _ in $(seq 1 30); do [ -f "$CREDENTIALS" ] && break; sleep 1; done
fi
USER_NAME=${OMS_USER:-$(sed -n 's/^username=//p' "$CREDENTIALS")}
PASSWORD=${OMS_PASSWORD:-$(sed -n 's/^password=//p' "$CREDENTIALS")}

field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "== connectCabinet"
LOGIN=$(python3 -c 'import json,sys; print(json.dumps({"userName": sys.argv[1], "userPassword": sys.argv[2], "connectForcefully": "Y", "encrFlag": "N"}))' "$USER_NAME" "$PASSWORD")
ANSWER=$(curl -s -X POST "$BASE/OMSSessionManagement/connectCabinet" -H "cabinetName: $CABINET" \
  -H 'Content-Type: application/json' -d "$LOGIN")
echo "status $(echo "$ANSWER" | field '["status"]')"
SESSION=$(echo "$ANSWER" | field '["sessionId"]')

generate() {
  local operation=$1 body=$2
  echo "== $operation"
  ANSWER=$(curl -s -X POST "$BASE/OMSCommunicationService/$operation" -H "cabinetName: $CABINET" \
    -H "sessionId: $SESSION" -H 'Content-Type: application/json' -d "$body")
  echo "$ANSWER" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
print("status", answer["status"], "requestId", answer["requestId"], answer["description"])
print("PDF:", answer["filePathName"], " mail body:", answer["mailBodyPathName"] or "-")
print("mail:", answer["synchronousDelivery"]["mailStatus"] or "-", " archival:", answer["archivalDescription"] or "queued or none",
      "document", answer["archivalDetails"]["documentIndex"])'
}

generate processUsingXML '{"attachmentsLocation":"","doArchive":"Y","encodedPDFRequired":"N","fileName":"PDF_MAIL","filePath":"PDF_MAIL","productName":"MAIL","reportVersion":"2","sendMail":"S","skipApproval":"Y","skipEditing":"Y","saveClientData":"N","xmlData":"<SampleData><Field1>Hello</Field1><Field2>123</Field2><Field3>true</Field3><Field4>2024-01-17</Field4><Field5>3.14</Field5><Field6>World</Field6><Field7>42</Field7><Field8>false</Field8><Field9>2023-05-08</Field9><Field10>2.71828</Field10></SampleData>","sendWhatsapp":"N","sendMessage":"N","sendFacebook":"N","sendTwitter":"N","channelName":"TestChannel"}'

generate processUsingJSON '{"attachmentsLocation":"","doArchive":"Y","encodedPDFRequired":"N","fileName":"PDF_MAIL","filePath":"PDF_MAIL","productName":"MAIL_JSON","reportVersion":"1","sendMail":"S","skipApproval":"Y","skipEditing":"Y","jsonData":"{\"SampleData\":{\"Field1\":\"Hello\",\"Field2\":123,\"Field3\":true,\"Field4\":\"2024-01-17\",\"Field5\":3.14,\"Field6\":\"World\",\"Field7\":42,\"Field8\":false,\"Field9\":\"2023-05-08\",\"Field10\":2.71828}}","sendWhatsapp":"N","sendMessage":"N","sendFacebook":"N","sendTwitter":"N","channelName":"TestChannel"}'

generate processUsingDB '{"attachmentsLocation":"","channelName":"OUTLOOK","communicationId":"","doArchive":"S","encodedPDFRequired":"","fileName":"DBgeneration","filePath":"Generation/DB","masterKey":"1","productName":"PRINT1","reportVersion":"2","saveClientData":"Y","sendMail":"N","sendMessage":"N","sendWhatsapp":"N","sendFacebook":"N","sendTwitter":"N","skipApproval":"Y","skipEditing":"Y"}'

echo "== disconnectCabinet"
curl -s -X POST "$BASE/OMSSessionManagement/disconnectCabinet" -H "cabinetName: $CABINET" \
  -H "sessionId: $SESSION" -H 'Content-Type: application/json'
echo
CABINET_ID=1
echo "Files are under ${OMS_DATA_DIR:-./data}/cabinets/$CABINET_ID/output/, mails under ${OMS_DATA_DIR:-./data}/outbox/$CABINET_ID/"
