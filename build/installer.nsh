; The Windows installer's firewall rule: attendees on a private network (the venue or your own hotspot,
; marked Private) may reach the kit's LAN ports; public networks stay closed. electron-builder includes
; this file (electron-builder.yml: nsis.include) and runs customInstall once the files are in place and
; customUnInstall before they are removed. netsh needs administrator rights: an "all users" install has
; them; a "just me" install does not, and then Windows asks on the kit's first start instead
; (docs/event-day.md, Firewall). The ports are the kit's defaults: LAN 8000, its fallbacks 8002-8010
; when 8000 is taken, and HTTPS 8443 (electron/core/config.ts; test/electron-builder.test.ts checks).
!include LogicLib.nsh

!define KIT_FIREWALL_RULE "AI Proxy Kit (attendees)"
!define KIT_FIREWALL_PORTS "8000,8002-8010,8443"

!macro customInstall
  ; A reinstall or an upgrade must not stack a second rule: remove any old one first.
  nsExec::Exec 'netsh advfirewall firewall delete rule name="${KIT_FIREWALL_RULE}"'
  Pop $0
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="${KIT_FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${KIT_FIREWALL_PORTS} profile=private program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes'
  Pop $0
  ${If} $0 != 0
    DetailPrint "The firewall rule for attendees was not added (it needs administrator rights): Windows asks when the kit first starts; allow it on private networks."
  ${EndIf}
!macroend

!macro customUnInstall
  nsExec::Exec 'netsh advfirewall firewall delete rule name="${KIT_FIREWALL_RULE}"'
  Pop $0
!macroend
