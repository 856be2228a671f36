"""Spanish phrases (see ``phrases.py``). "Sí" folds to "si" (if): a lone "si" followed by a
comma or the end of the sentence is a yes, never a condition (see ``reading``)."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = "el|la|lo|este|esta|lead|cliente|trabajo|encargo|proyecto|obra|solicitud|contacto"

LEXICON = build(
    "es",
    # "$4.850.000 + IVA": a Spanish "$" is as often the writer's own peso as a dollar, which
    # one the reply does not say (no currency: the lead's applies); "USD", "US$" and "U$S" do
    signs={"$": ""},
    stopwords="""el la los las un una y es que de del en con para por nos lo le se no sí
        hemos muy gracias pero este esta ya al su presupuesto hola también mañana
        ayer está estamos somos""",
    phrases={
        "pick": f"""
            we take it
            we take this one
            we will take it
            count us in
            confirmamos|confirmo ~2 nuestro interés
            lo|la|este|esta ~1 va a llevar|atender|gestionar|seguir|coger|tomar =0.85
            pásenmelo|pásamelo|pasamelo|pasenmelo|mándamelo|mandamelo|mándenmelo|mandenmelo
            mandame|mándame|pasame|pásame|envíame|enviame|mándenme|pásenme ~2 teléfono|número|
                celular|móvil|datos =0.85
            lo|la vamos a coger|tomar|llevar|atender =0.85
            asignádnoslo|asignádnosla|asígnenoslo|asígnenosla|asignadnoslo|pasádnoslo|pásenoslo
            es|este|esta ~1 para nosotros @end
            claro que sí|si
            nosotros|yo lo|la atendemos|atiendo|tomamos|tomo|llevamos|llevo
            lo|la atendemos|atiendo =0.85
            atender|atenderla|atenderlo|asumir|llevar ~2 solicitud|petición|cliente|clienta|lead|
                encargo|trabajo|proyecto =0.85
            mándenme|mándame|mandadme|pásenme|pásame|envíenme|envíame|enviadme ~2 datos|
                contacto =0.85
            nos lo|la quedamos|pillamos
            es|está ~1 zona|área nuestra
            es|está en ~1 nuestra zona|área =0.85
            nos lo|la quedamos
            nos quedamos ~2 {_OBJ}
            lo|la cogemos|tomamos|aceptamos|asumimos|llevamos
            cogemos|tomamos|aceptamos|asumimos|llevamos ~2 {_OBJ}
            me lo|la quedo
            acepto|aceptamos|aceptado|aceptada
            si @solo
            si ~1 gracias|claro|por|nos|lo|me|adelante|perfecto
            claro @solo
            por supuesto
            de acuerdo @solo
            encantados|encantado|encantada @solo
            con gusto
            mucho gusto
            interesa =0.85
            interesados|interesado|interesada =0.85
            nos encargamos
            me encargo
            nos ocupamos
            me ocupo
            adelante =0.8
            contad|cuenta|cuenten|contar con nosotros
            perfecto @solo =0.65
            vale|venga|dale|hecho @solo
            lo|la cojo|tomo|acepto|hago|hacemos|haremos|asumo
            nos apuntamos
            me apunto
            nos hacemos cargo
            me hago cargo
            vamos a por ~1 ello|ella|él
            aceptarlo|aceptarla|asumirlo|asumirla|cogerlo|cogerla|tomarlo|tomarla|hacernos|
            quedárnoslo|quedarnos =0.85
            nos ~1 interesa|encaja
            nos viene bien
            contamos con ello
            para nosotros|mí @solo
            me lo|la pido
            nos lo|la pedimos
            lo|la queremos|quiero
            pasadnos|mandadnos|enviadnos|dadnos|pásanos|mándanos|envíanos|pasadme|mandadme|
                enviadme ~3 contacto|lead|teléfono|cliente =0.9
        """,
        "decline": """
            este|esta|esto|ese paso @end
            preferimos que lo lleve|tome|haga otro|otra
            pásenlo|pasadlo|páselo|dénselo a otro|otra distribuidor|partner|compañero|colega
            devolver|devolvemos|devuelvo el|este lead|contacto|cliente
            se lo devolvemos|devuelvo
            vamos a pasar
            pasamos|paso esta vez
            esta vez pasamos|paso
            no nos conviene
            dicho|dijo|dice que no @end
            así|asi que ~1 no @end
            pásaselo|pasádselo|dáselo|dádselo|pasadlo|pásalo|dadlo|dalo|mandadlo|
                mándalo ~1 a ~1 otro|otra|otros|alguien
            vamos a ~1 dejar pasar
            dejar pasar
            declin*
            rechaz*
            no gracias
            no @solo
            paso|pasamos @solo
            paso|pasamos de ~2 este|esta|lead|encargo
            no es para nosotros
            dádselo|pasadlo|dáselo|pásalo|ofrecedlo|ofrézcanlo|asignadlo|asígnenlo ~3 otro|otra|
                otros
            a otro ~1 instalador|partner|colaborador|compañero
            mejor no
            renunciamos
            no podemos ~2 aceptar|asumir|coger|tomar|atender|hacernos|encargarnos|cubrir|hacerlo
            lo|la dejamos ~1 pasar
            descartamos|descarto
            tenemos que ~1 rechazar|declinar|pasar|renunciar
            no nos viene bien
            no puedo|podemos|podré|podremos ~3 aceptar|asumir|coger|tomar|hacerme|hacernos|
                encargarme|encargarnos|ocuparme|ocuparnos|cubrir|hacerlo|llevarlo|atenderlo|cogerlo
        """,
        "reason": """
            no trabajamos con particulares
            solo|sólo trabajamos con empresas
            ya lo atiende|lleva otro distribuidor|colega|compañero
            no es|son ~1 nuestra línea|especialidad|rubro|sector|área
            no es|son ~1 lo nuestro
            solo|sólo|solamente|únicamente manejamos|vendemos|distribuimos|comercializamos
            supera|excede|sobrepasa ~4 capacidad|capacidades|medios|posibilidades
            no somos ~2 distribuidores|distribuidor|instaladores|certificados|autorizados|
                homologados|partner|partners|revendedores
            no vendemos|instalamos|distribuimos|montamos
            muy|demasiado|queda|pilla lejos
            lejos
            fuera de ~2 zona|área|región|radio|alcance|cobertura
            no es ~1 nuestra|nuestro ~1 zona|área|sector|especialidad|gremio|campo|región
            no trabajamos ~2 zona|tipo|esa|ese|eso
            no lo|la|los|las|eso|esto? hacemos|instalamos|ofrecemos|cubrimos|trabajamos|tocamos|
                montamos|
                llevamos
            sin capacidad|personal|tiempo|disponibilidad|hueco|huecos
            no tenemos ~2 capacidad|personal|tiempo|disponibilidad|gente|hueco|huecos|equipos
            estamos|vamos|andamos completos|completo|llenos
            hasta arriba
            saturados|saturado|desbordados|colapsados|ocupadísimos
            agenda ~2 llena|completa
            demasiado trabajo
            demasiado pequeño|pequeña|grande|complicado|complicada
            solo ~2 obra|particulares|empresas
            no damos abasto
            a tope
            no llegamos
            no nos da la vida
            sin hueco|huecos|margen
            solo|sólo|solamente|únicamente trabajamos|hacemos|cubrimos|atendemos|instalamos|
                montamos|operamos
            trabajamos|cubrimos|atendemos|operamos|instalamos ~1 solo|sólo|solamente|únicamente|
                exclusivamente
            más de ~1 # km|kilómetros|horas
            casi ~1 # km|kilómetros|horas
            horas ~1 de ~1 coche|camino|viaje|carretera
            de vacaciones|baja|permiso =0.6
        """,
        "contacted": """
            estamos|seguimos|están en contacto con
            me comuniqué|comunique con
            nos comunicamos con
            charlamos|conversamos|platicamos con
            charlamos|conversamos|platicamos un rato
            platicamos|platiqué|platique|hablamos|hablé|hable ~3 teléfono|telefono
            mande|mandé|envie|envié|escribí|escribi ~2 whatsapp|wasap|mensaje|correo|mail|email
            me|nos contestó|contesto|respondió|respondio
            contactó|contactaron|contactado ~2 con
            devolvió|devolvieron|devuelto ~1 la llamada
            hablado|hablé|hablamos ~3 con
            primer contacto ~2 hecho|realizado|establecido
            contactado|contactada|contacté|contactamos
            llamado|llamé|llamamos
            hablado|hablé|hablamos ~1 con
            escrito|escribí|escribimos
            localizado|localizamos|localicé
            en contacto
            telefoneado
            conversación|charla ~2 con
            conseguí|conseguimos|pude|pudimos ~1 hablar|contactar|localizar
            whatsapp|correo|email|mensaje|mail ~2 enviado|mandado
            contacto ~2 establecido|hecho|tenido
        """,
        "attempt": """
            enviado|envié|mandado|mandé|escrito|escribí ~2 correo|email|mail|mensaje|whatsapp|sms
            correo|email|mail|whatsapp ~2 enviado|mandado
            dejado|dejé|dejamos ~2 mensaje|recado|buzón|nota|mensajes
            buzón de voz
            intentado|intenté|intentamos ~3 llamar|contactar|localizar
        """,
        "meeting": """
            llamada|reunión por|en teams|zoom
            hemos ido =0.8
            ya fuimos|estuvimos
            fuimos ~4 a ver|visitar
            reunión|visita|demo|demostración|presentación ~8 tuvo lugar|se realizó|se celebró
            vino|vinieron ~3 tienda|local|oficina|showroom|nave|exposición|taller
            tuvimos|tuve ~2 reunión|reunion|meeting|junta|visita|cita
            fui|fuimos|pasé|pasamos|estuve|estuvimos a ~1 ver|verle|verla|verlos|verlas|verles
            cita|citas
            reunión|reunion|reunimos|reunirnos|reuniones
            visita|visitamos|visitado|visité|visitar|visitas
            hemos|he quedado ~1 con
            quedamos con
            medición|mediciones
            nos vemos ~1 el|mañana|lunes|martes|miércoles|jueves|viernes
            pasamos|pasé|pasado|estuvimos|estuve|estado ~1 por|en|con ~2 casa|obra|vivienda|
                domicilio|
                local|cliente|clienta|nave|fábrica|planta|oficina|oficinas|instalaciones|empresa|
                finca|tienda|naves|comunidad|edificio
            fuimos|fui|estuvimos|estuve ~1 a medir|revisar|inspeccionar|valorar|visitar|evaluar|ver
            tomamos|tomé|tomado|tomar medidas
            medimos|medí|medido
            pasamos|pasé|pasaremos|pasaré ~1 a ver
            demo|demostración|presentación|videollamada
        """,
        "proposal": """
            propuesta|presupuesto|cotización|oferta ~12 en manos del|de =0.85
            presupuesto|propuesta|cotización|oferta ~3 se le|les envió|mandó|hizo
            se le|les envió|mandó el|la presupuesto|propuesta|cotización|oferta
            mandó|mando|envió|envio|remitió|remitio ~3 cotización|cotizacion|propuesta|presupuesto|
                oferta
            enviada|enviado|remitida|remitido|mandada|mandado ~1 oferta|presupuesto|propuesta|
                cotización
            tiene|tienen|recibió|recibieron ~2 presupuesto|oferta|propuesta|cotización =0.85
            remitimos|remitido|trasladamos|trasladado|enviamos|presentado|presentamos|enviado|
                mandado|entregado|llegar ~5 presupuesto|
                oferta|propuesta|
                cotización =0.85
            presupuesto|oferta|propuesta ~14 remitida|remitido|enviada|enviado|trasladada =0.85
            presupuesto|oferta|propuesta|cotización ~3 enviado|enviada|mandado|mandada|entregado|
                entregada|hecho|hecha|presentado|presentada|remitido|listo
            enviado|enviamos|envié|mandado|mandamos|mandé|entregado|entregamos|presentado|
                presentamos|hecho ~3 presupuesto|oferta|propuesta|cotización|precio
            presupuestado|presupuestamos|cotizado|cotizamos
            pasado|pasamos|pasé ~2 presupuesto|oferta|propuesta|cotización
            presupuesto|oferta|propuesta ~2 salió|salio|salido
            presupuesto @solo
        """,
        "won": """
            cliente ~2 aprobó|aprobo ~2 cotización|cotizacion|presupuesto|propuesta|oferta =0.9
            pagó|pago ~1 el anticipo
            cliente ~2 pagó|pago|abonó|liquidó
            factura ~8 cobrada|pagada|abonada|liquidada =0.85
            formalizado|formalizó|formalizamos|formalizaron ~3 pedido|contrato|encargo|compra
            nos han|ha dado|adjudicado|encargado ~2 obra|trabajo|proyecto|pedido|instalación =0.9
            cerrado|cerrada|cerramos en|por # k|mil|€|euros|eur
            cerrado|cerrada|cerramos en|por €
            nos ~1 ha|han ~1 adjudicado|encargado|confiado ~6 obra|pedido|contrato|proyecto|
                trabajo =0.9
            ganado|ganada|ganamos
            firmado|firmada|firmó|firmaron|firmamos
            venta|trato|contrato|pedido|encargo|operación ~3 cerrado|cerrada|firmado|firmada|
                confirmado|confirmada|conseguido|conseguida|nuestro|nuestra
            cerramos|cerrado|cerrada ~2 venta|trato|contrato|operación|pedido|acuerdo
            conseguido|conseguimos ~2 obra|contrato|pedido|trabajo|proyecto|encargo
            adjudicado|adjudicada|adjudicaron
            aceptó|aceptaron ~3 presupuesto|oferta|propuesta
            aprobado|aprobó|aprobaron ~2 presupuesto|oferta|propuesta
            presupuesto ~2 aceptado|aprobado|firmado
            vendido|vendida
            anticipo|señal ~2 pagado|pagada|recibido|cobrado|cobrada
            encargó
            nos|lo|la|le|los|las contrató|contrataron
            visto bueno =0.85
            luz verde =0.85
            nos lo|la han|ha ~1 adjudicado|dado|encargado|confirmado
            contratado ~2 nosotros
            cerramos|cerrado|cerrada @whole
            de acuerdo con ~2 presupuesto|oferta|propuesta =0.85
            cliente|clienta|él|ella|ellos ~3 dicho|dijo|dijeron que? sí @end
            trato hecho
        """,
        "lost": """
            no va|van a seguir|continuar con ~2 proyecto|obra|compra @neg =0.9
            aplazaron|aplazó|postergaron ~4 indefinidamente =0.85
            sin presupuesto @neg =0.85
            no hay presupuesto @neg =0.85
            instala|instalará|hará|hace|pone|pondrá ~3 cuñado|primo|vecino|hermano|amigo
            al final no ~2 hacen|harán|hace|hará|sigue|siguen|van|va|quieren|quiere|lo|la @neg
            no les|le sale|compensa ~2 cuenta|rentable @neg =0.8
            se queda|quedan|quedará|quedarán con ~4 caldera|equipo|instalación|sistema|actual|tiene|
                tienen =0.85
            puso|puesto|instaló|instalado|hizo|hecho|montó|montado|compró|comprado ~5 con|
                por ~2 cuñado|
                primo|vecino|amigo|hermano|conocido|tío|sobrino
            llevado|llevó|quedado ~3 competencia|competidor|competidores
            fueron|fue|ido|marcharon|quedaron|quedado|decantado|decantaron ~4 más barata|barato|
                barata|otra|otro|competencia
            perdido|perdida|perdimos
            eligió|escogió|optó|decidió|contrató|prefirió|eligieron|optaron ~3 otro|otra|
                competencia|barato|barata|otros
            cancelad*|canceló|cancelaron|anulad*|anuló
            rechazó|rechazado|rechazada|rechazaron ~3 presupuesto|oferta|propuesta|precio
            no sigue|siguen adelante
            desistido|desistió
            caído|cayó
            demasiado|muy caro|cara =0.8
            se echó atrás
            elegido|escogido|optado|decidido|preferido|contratado|cogido|ido|fue|fueron|marchado|
                quedado|
            quedó|firmado|encargado|comprado|cerrado ~3 otra|otro|otros|otras|competencia|
                competidor|
            barato|barata|económico|económica
            no le|les interesa @neg
            ya no quiere|quieren @neg
            presupuesto|oferta|propuesta ~3 rechazado|rechazada|denegado|denegada
            no lo|la hemos|he|han|hemos|conseguimos|ganamos|logramos ~1 conseguido|ganado|logrado|
                obtenido|pillado @neg
            no lo|la conseguimos|ganamos|logramos|pillamos @neg
            no hemos|he conseguido|ganado|logrado|obtenido ~2 obra|trabajo|contrato|pedido|proyecto|
                encargo @neg
            no conseguimos|ganamos|logramos ~2 obra|trabajo|contrato|pedido|proyecto|encargo @neg
            no nos lo|la han|dieron|adjudicaron ~1 dado|adjudicado @neg
            no nos han|ha elegido|escogido|seleccionado @neg
            no nos eligieron|escogieron|seleccionaron @neg
        """,
        "rival": """
            otra|otro|otras|otros ~1 empresa|instalador|instaladora|proveedor|compañía|presupuesto|
                oferta|
            profesional|técnico|fontanero|electricista|empresas|instaladores
            competencia|competidor|competidores
        """,
        "void": """
            sala de reuniones|juntas
            número de teléfono
            seguimos|sigamos|estamos en contacto
            reunión de partners|socios|distribuidores
            correo|mail|email con ~2 presentación|presentacion|catálogo|catalogo|folleto
            casi una|dos hora|horas|semana|semanas|mes|meses|año|años
            prácticamente|practicamente|casi ganado|firmado|cerrado
            a ver si
            quedó|quedaron|está|están|estaba|estuvo encantado|encantada|encantados|encantadas
            cita|reunión en|con el|su banco
            cita|reunión con la|su financiera
            qué tal
            lead ~1 aceptado|tomado|asignado ~2 #
            contestó|contesto|respondió|respondio|dijo|dice|comentó|comento que si
            tomamos|tomé|tome|tomar|tomaron medidas|nota|notas|fotos|medida ~2 de|del|en|a|al ~1 la|
                el
            por encargo de|del
            enlace|enlaces|link|botón|boton|botones ~3 aceptar|coger|tomar|elegir|rechazar|declinar
            presentación ~3 enviada|mandada|remitida|reenviada
            mail|email|e|correo|mensaje|carta|dossier|folleto de ~1 presentación|introducción|demo
            presentación|demo|demostración por|en ~1 mail|email|e|correo|pdf|vídeo|video
            le|les parece|parecía|pareció
            mirado|visto|revisado|leído|estudiado ~2 documentación|documentos|planos|fotos|
                expediente|solicitud|ficha|datos
            documentación|documentos|planos|fotos|expediente ~3 mirado|visto|revisado|leído
            en una? reunión|cita
            cita|visita|reunión ~3 cancelada|anulada|aplazada|cambiada|movida
            cancelad*|canceló|anuló|aplazó|aplazado ~3 cita|visita|reunión
            perdido ~2 número|contacto|teléfono
            está|están|esta|estan|estaba|estaban|parece|parecen|parecía|mostró|muestra|quedó|
                quedaron|ve|veía muy|bastante|realmente|super|súper? interesado|interesada|
                interesados|interesadas
            tiene|tienen|tenía|tenían|mostró|muestra|mostraron mucho|muy|bastante|gran|
                real? interés
            vende|venden|vendido|vender ~3 casa|piso|terreno|vivienda
            casa|piso|terreno|vivienda ~3 vendido|vendida|venden|vender
        """,
        "purpose": """
            interesado|interesada|interesados|interés ~1 en|por
            vamos|voy|van ~2 concretar|fijar|organizar|programar|agendar|concertar|cuadrar
            concretaremos|fijaremos|organizaremos|programaremos|agendaremos|concertaremos
            para ~1 concretar|fijar|cerrar|quedar|acordar|programar|organizar|buscar|agendar|una|un
            sobre ~1 la|una
            quiere|quieren|querría|querrían|gustaría|desea|desean|pide|pidió|pedido
        """,
        "customer": """
            cliente|clienta|clientes|él|ella|ellos|señor|señora|sr|sra|propietario|
                propietaria|familia
        """,
        "negator": """
            no
            nunca
            jamás
            ningún|ninguna|ninguno
            nada
            nadie
            sin
            tampoco
            ni
            imposible
        """,
        "mask": """
            sin falta
            sin iva|igv|impuestos
            no hay problema
            ningún problema
            sin problema|problemas
            por qué no
            no solo
            no dude|dudes
        """,
        "conditional": """
            si
            en caso
            siempre que
            a menos que
            depende|dependiendo
            salvo que
        """,
        "question": """
            dónde|quién|cuál|cuánto|cuánta|cuántos|qué
            por qué
            puede|pueden|podría|podrían|puedes|podéis|tiene|tienen ~1 usted|ustedes|enviar|mandar|
                decir|confirmar|pasar|darme|darnos
        """,
        "hedge": """
            quizás|quizá|probablemente|posiblemente|seguramente
            tal vez
            a lo mejor
            creo|espero|supongo
            parece
            casi
            en principio
            debería|deberían
        """,
        "future": """
            sin falta
            mañana
            pasado mañana
            próxima|próximo|siguiente
            semana que viene
            pronto
            más tarde
            luego
            vamos|voy|va|van a
            enviaremos|mandaremos|llamaremos|firmará|firmarán|haremos|prepararemos|enviaré|mandaré|
                llamaré|visitaremos
            tenemos|tengo|hay que
            pendiente
            esperando|esperamos
            en breve
            previsto|prevista
        """,
        "past": """
            ayer|anteayer
            ya
            esta mañana
            semana pasada
            hace
            acabamos|acabo de
        """,
        "agenda": """
            próximo|próximos|siguiente|siguientes paso|pasos
            por hacer
        """,
        "pending": """
            quedó|quedo|quedamos en confirmar|confirmarme|avisar|avisarme|definir
            confirmarme una fecha
            pendiente|pendientes
            agendar|concertar|programar|fijar|cuadrar|organizar|reservar|coordinar|concretar
            pendiente|pendientes de? ~1 programar|concertar|agendar|fijar|cerrar|confirmar|
                organizar|planificar|reservar|coordinar|cuadrar|concretar|definir
            por|a programar|concertar|agendar|fijar|confirmar|organizar|planificar|reservar|
                coordinar|cuadrar|concretar|definir
            queda|quedan|falta|faltan por|de? ~1 programar|concertar|agendar|fijar|confirmar|
                organizar|reservar|cuadrar|concretar
            pedirá|pedirán|concertará|concertarán|agendará|agendarán|fijará|fijarán|programará|
                programarán|reservará|reservarán|llamará|llamarán|cuadrará|concretará
            más adelante|tarde
            en su momento
            posteriormente|próximamente
            cuando sepa|sepan|tenga|tengan|vuelva|vuelvan|esté|estén|decida|decidan
            estamos|estoy|está|están ~1 preparando|elaborando|haciendo|calculando|terminando|
                redactando|cerrando|ultimando
            en preparación|elaboración
        """,
        "waiting": """
            esperando|espera|esperamos
            a la espera
        """,
        "regret": """
            lamentablemente|desafortunadamente|lástima|disculpa|disculpe
            por desgracia
            lo siento|sentimos
        """,
        "closing": """
            saludos|atentamente|gracias|cordialmente|abrazo|un|muchas|hasta|quedo
        """,
        "affirm": """
            si|claro
            por supuesto
        """,
        "request": """
            habría|habrá que
            haría falta
            por favor
            póngase|pónganse|ponte|poneos
            llamen|llamad|escriba|escriban|contacten|contactad|diríjase
            debe|deben|debería|deberían|deberíamos|debemos
            hay que
            tiene|tienen que
            asuntos urgentes
        """,
        "away": """
            respuesta automática
            fuera de la oficina
            asuntos urgentes
            estaré fuera|ausente
            a mi regreso|vuelta
        """,
        "consequence": """
            así|asi que
            por eso
            lo cual
            luego|entonces
            por lo tanto
        """,
        "mixup": """
            a qué lead|cliente te|se refieres|refiere
            te refieres al de
            se refiere al de
            hay un lío|lio con los leads
            hay un lío|lio con el lead
            no lo llevamos nosotros
            mismo|misma cliente|lead|empresa|obra que
            el|la mismo|misma que
            hay un|algún error
            lead|cliente|contacto equivocado|equivocada
            confusión
            no es nuestro lead|cliente
        """,
        "temporal": """
            con la condición de
            siempre y cuando
            antes de ~1 tomarlo|tomarla|tomar|aceptar|aceptarlo|aceptarla|cogerlo|cogerla|coger|
                quedar|concertar|programar|agendar|pasar|visitar|organizar|
                confirmar|hacer|decidir|dar|ir|quedar|fijar|asignar
            en cuanto
            una vez que
        """,
        "weekday": """
            lunes|martes|miércoles|jueves|viernes|sábado|domingo
        """,
        "someday": """
            el próximo|siguiente
            la próxima|siguiente
            en el futuro
            en un futuro
            la próxima vez
            futuros|futuras ~1 proyectos|encargos|solicitudes|trabajos
        """,
        "yet": """
            todavía|aún
        """,
        "unrelated": """
            aparte de los leads
            aparte del lead
            sobre el lead todavía|aún no tengo nada
            sobre el lead todavía|aún nada
            por lo demás te|le aviso|cuento|escribo
            lo demás te|le cuento|aviso
        """,
        "several": """
            en cambio ~3 noticias de|sobre|del
            pero ~2 buenas noticias del|sobre
            pero ~2 buenas noticias de la|los|las
            el otro lead|cliente|proyecto|caso
            los|las dos leads|clientes|proyectos|casos|oportunidades
            dos leads|clientes|proyectos|oportunidades
            el lead anterior
        """,
        "this": """
            sobre este|esta
            respecto a este|esta
            en cuanto a este|esta
            este de aquí
            el de este correo|mail|mensaje
            el que me preguntas|pregunta|preguntan
        """,
        "aside": """
            la última vez
            la vez pasada
            sobre lo otro
            respecto a lo otro
            en cuanto a lo otro
            sobre tu|su|la otra pregunta|consulta|cosa
            respecto a tu|su|la otra pregunta|consulta|cosa
            en cuanto a tu|su|la otra pregunta|consulta|cosa
        """,
        "lead": """
            este lead|contacto
            esta oportunidad
        """,
        "ours": """
            nuestro|mi presupuesto|precio|cotización|cotizacion|propuesta|oferta
            nuestra|mi oferta|cotización|cotizacion|propuesta
            habíamos|habiamos|hemos ofertado|cotizado|presupuestado|ofrecido
            estábamos|estabamos en
        """,
        "earlier": """
            inicial|inicialmente|antes|anterior|primer
            en vez|lugar de
            de partida|salida
            anticipo|señal|descuento|subvención|ayuda|iva
            presupuesto|oferta|propuesta ~1 era|fue|estaba
        """,
        "final": """
            a|en|hasta
            final|total
            en total
        """,
        "greeting": """
            hola|buenas|estimado|estimada|querido|querida
        """,
        "opener": """
            hola|buenas|ok|vale|gracias|perfecto|bien|bueno|genial|estimado|estimada|estimados|
                lamentablemente|vaya
            buenos días
            buenas tardes
            muchas gracias
        """,
    },
)
